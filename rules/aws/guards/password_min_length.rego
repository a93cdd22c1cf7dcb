# METADATA
# title: IAM password policy allows passwords shorter than 14 characters
# description: "The account's IAM password policy must exist (Present true) and require MinimumPasswordLength of at least 14; no policy, or a policy without MinimumPasswordLength, fails."
# custom:
#   id: IAM-AWS-008
#   severity: medium
#   controls: [AC-2, AC-2(1), AC-2(3), AC-3(3), AC-3(4), AC-3(8), AC-3(12), AC-3(13), AC-3(15), AC-4(28), AC-7(4), AC-24, CM-5(1), CM-6, CM-9, CM-12, IA-4, IA-5, IA-5(1), IA-5(18), IA-8(2), MA-4, SC-23(3)]
#   resource_types: ["AWS::IAM::PasswordPolicy"]
#   remediation: aws iam update-account-password-policy --minimum-password-length 14 (repeat the other settings of the current policy, which the call replaces).
package vigil.rules.aws.guards.password_min_length

# The account in messages; a template's or plan's documents name none before deploy.
account := object.get(input, "account", "(the one it deploys to)")

min_length := 14

deny contains {"msg": msg, "path": "config.Present"} if {
	object.get(input.config, "Present", false) != true
	msg := sprintf("account %s has no IAM password policy (IAM's default allows 8-character passwords)", [account])
}

deny contains {"msg": msg, "path": "config.MinimumPasswordLength"} if {
	input.config.Present == true
	length := object.get(input.config, "MinimumPasswordLength", 0)
	length < min_length
	msg := sprintf("account %s IAM password policy allows passwords of %s, fewer than %d", [account, describe(length), min_length])
}

describe(0) := "any length"

describe(n) := sprintf("%d characters", [n]) if n != 0
