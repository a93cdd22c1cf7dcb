# METADATA
# title: IAM policy allows every action on every resource
# custom:
#   id: IAM-AWS-001
#   severity: critical
#   controls: [AC-2, AC-2(1), AC-2(6), AC-3, AC-3(3), AC-3(4), AC-3(7), AC-3(8), AC-3(12), AC-3(13), AC-3(15), AC-4(28), AC-5, AC-6, AC-6(2), AC-6(3), AC-6(10), AC-24, CM-5(1), CM-6, CM-9, MP-2, SC-23(3), SC-25]
#   resource_types: ["AWS::IAM::Policy", "AWS::IAM::User", "AWS::IAM::Role", "AWS::IAM::Group"]
#   remediation: "Replace \"Action\": \"*\" (or an Allow with NotAction) on \"Resource\": \"*\" with the actions and resources the principal needs; use AWS managed job-function policies or IAM Access Analyzer policy generation."
#   suggestion: |
#     Replace the wildcard statement with the actions and resources the principal uses (IAM Access Analyzer's policy generation lists them from CloudTrail), e.g.
#     {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::BUCKET/PREFIX/*"]}]}
package vigil.rules.aws.iam.no_admin_statements

import data.vigil.lib.aws

admin(s) if {
	"*" in aws.actions(s)
	"*" in aws.resources(s)
}

# Allow + NotAction on every resource grants everything not listed: treat as admin.
admin(s) if {
	s.NotAction
	"*" in aws.resources(s)
}

deny contains {"msg": msg, "path": "config"} if {
	some p in aws.inline_policies(input)
	some s in aws.allows(p.document)
	admin(s)
	msg := sprintf("%s of %s allows all actions on all resources", [aws.describe_policy(input, p), input.name])
}
