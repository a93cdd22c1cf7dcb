# METADATA
# title: IAM policy allows every action of a service
# custom:
#   id: IAM-AWS-002
#   severity: high
#   controls: [AC-3, AC-5, AC-6(2), AC-6(10), CM-5(1)]
#   resource_types: ["AWS::IAM::Policy"]
#   remediation: List the actions the principal needs instead of <service>:*.
#   suggestion: |
#     Replace the wildcard statement with the actions and resources the principal uses (IAM Access Analyzer's policy generation lists them from CloudTrail), e.g.
#     {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::BUCKET/PREFIX/*"]}]}
package vigil.rules.aws.iam.no_service_wildcards

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.Document"} if {
	some s in aws.allows(input.config.Document)
	some a in aws.actions(s)
	a != "*"
	endswith(a, ":*")
	msg := sprintf("policy %s allows %s (every action of the service)", [input.name, a])
}
