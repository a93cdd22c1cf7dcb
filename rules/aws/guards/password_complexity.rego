# METADATA
# title: IAM password policy does not require complex passwords
# description: "The account's IAM password policy must exist and require symbols, numbers, upper-case and lower-case letters (RequireSymbols, RequireNumbers, RequireUppercaseCharacters, RequireLowercaseCharacters all true); one finding per requirement that is false or missing."
# custom:
#   id: IAM-AWS-010
#   severity: medium
#   controls: [IA-5(1)]
#   resource_types: ["AWS::IAM::PasswordPolicy"]
#   remediation: aws iam update-account-password-policy --require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters (repeat the other settings of the current policy, which the call replaces).
package vigil.rules.aws.guards.password_complexity

# The account in messages; a template's or plan's documents name none before deploy.
account := object.get(input, "account", "(the one it deploys to)")

requirements := {
	"RequireSymbols": "symbols",
	"RequireNumbers": "numbers",
	"RequireUppercaseCharacters": "upper-case letters",
	"RequireLowercaseCharacters": "lower-case letters",
}

deny contains {"msg": msg, "path": "config.Present"} if {
	object.get(input.config, "Present", false) != true
	msg := sprintf("account %s has no IAM password policy, so passwords need no symbols, numbers or mixed case", [account])
}

deny contains {"msg": msg, "path": sprintf("config.%s", [field])} if {
	input.config.Present == true
	some field, what in requirements
	object.get(input.config, field, false) != true
	msg := sprintf("account %s IAM password policy does not require %s", [account, what])
}
