# METADATA
# title: SNS topic policy allows everyone
# description: An Allow statement with Principal * (or AWS *) and no condition that ties it to an account, organization, source or network. A topic without a policy is reachable by its owner only and passes.
# custom:
#   id: SNS-AWS-002
#   severity: critical
#   controls: [AC-3, AC-6, SC-7]
#   resource_types: ["AWS::SNS::Topic"]
#   remediation: Replace Principal * in the topic policy with the accounts that need access, or add a condition such as aws:SourceAccount, aws:SourceArn or aws:PrincipalOrgID.
package vigil.rules.aws.messaging.topic_not_public

import data.vigil.lib.aws
import data.vigil.lib.aws_policy

public := aws_policy.public_allows(object.get(input.config, "Policy", {}))

deny contains {"msg": msg, "path": "config.Policy"} if {
	count(public) > 0
	sids := [object.get(s, "Sid", "(no Sid)") | some s in public]
	msg := sprintf("topic %s policy allows everyone: statement %s", [aws.label(input), concat(", ", sids)])
}
