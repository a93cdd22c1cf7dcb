# METADATA
# title: ECR repository policy allows public access
# description: "A statement of the repository policy allows Principal * (or AWS *) without a condition that ties it to an account, organization, source or network (see vigil.lib.aws_policy): anyone can pull (or push) images."
# custom:
#   id: ECR-AWS-005
#   severity: critical
#   controls: [AC-3, AC-6, SC-7]
#   resource_types: ["AWS::ECR::Repository"]
#   remediation: Replace Principal * in the repository policy with the accounts or organization that need access (aws ecr set-repository-policy), or delete the policy (aws ecr delete-repository-policy).
package vigil.rules.aws.ecr.public_policy

import data.vigil.lib.aws_policy

public := aws_policy.public_allows(object.get(input.config, "Policy", {}))

deny contains {"msg": msg, "path": "config.Policy"} if {
	count(public) > 0
	sids := sort({object.get(s, "Sid", "(no Sid)") | some s in public})
	msg := sprintf("ECR repository %s policy allows access to anyone (statement %s)", [input.config.RepositoryName, concat(", ", sids)])
}
