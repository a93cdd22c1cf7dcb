# METADATA
# title: IAM password policy prevents reuse of fewer than 24 passwords
# description: "The account's IAM password policy must exist and set PasswordReusePrevention to at least 24; no policy, or a policy without PasswordReusePrevention (reuse allowed), fails."
# custom:
#   id: IAM-AWS-009
#   severity: medium
#   controls: [IA-5(1)]
#   resource_types: ["AWS::IAM::PasswordPolicy"]
#   remediation: aws iam update-account-password-policy --password-reuse-prevention 24 (repeat the other settings of the current policy, which the call replaces).
package vigil.rules.aws.guards.password_reuse

# The account in messages; a template's or plan's documents name none before deploy.
account := object.get(input, "account", "(the one it deploys to)")

min_remembered := 24

deny contains {"msg": msg, "path": "config.Present"} if {
	object.get(input.config, "Present", false) != true
	msg := sprintf("account %s has no IAM password policy, so users may reuse passwords", [account])
}

deny contains {"msg": msg, "path": "config.PasswordReusePrevention"} if {
	input.config.Present == true
	remembered := object.get(input.config, "PasswordReusePrevention", 0)
	remembered < min_remembered
	msg := sprintf("account %s IAM password policy %s, fewer than %d", [account, describe(remembered), min_remembered])
}

describe(0) := "lets users reuse any previous password"

describe(n) := sprintf("prevents reuse of only the last %d passwords", [n]) if n != 0
