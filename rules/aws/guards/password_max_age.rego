# METADATA
# title: IAM password policy does not expire passwords within 90 days
# description: "The account's IAM password policy must exist and set MaxPasswordAge to 90 days or fewer; no policy, or a policy without MaxPasswordAge (passwords never expire), fails."
# custom:
#   id: IAM-AWS-011
#   severity: low
#   controls: [IA-5(1)]
#   resource_types: ["AWS::IAM::PasswordPolicy"]
#   remediation: aws iam update-account-password-policy --max-password-age 90 (repeat the other settings of the current policy, which the call replaces).
package vigil.rules.aws.guards.password_max_age

# The account in messages; a template's or plan's documents name none before deploy.
account := object.get(input, "account", "(the one it deploys to)")

max_age := 90

deny contains {"msg": msg, "path": "config.Present"} if {
	object.get(input.config, "Present", false) != true
	msg := sprintf("account %s has no IAM password policy, so passwords never expire", [account])
}

deny contains {"msg": msg, "path": "config.MaxPasswordAge"} if {
	input.config.Present == true
	age := object.get(input.config, "MaxPasswordAge", 0)
	age <= 0
	msg := sprintf("account %s IAM password policy never expires passwords", [account])
}

deny contains {"msg": msg, "path": "config.MaxPasswordAge"} if {
	input.config.Present == true
	age := object.get(input.config, "MaxPasswordAge", 0)
	age > max_age
	msg := sprintf("account %s IAM password policy expires passwords after %d days, more than %d", [account, age, max_age])
}
