# METADATA
# title: IAM user credential unused for longer than unused_credential_days
# custom:
#   id: IDLE-AWS-004
#   severity: medium
#   controls: [AC-2, AC-2(1), AC-2(3), AC-2(6), AC-3, AC-3(3), AC-3(4), AC-3(7), AC-3(8), AC-3(12), AC-3(13), AC-3(15), AC-4(28), AC-6, AC-24, CM-5(1), CM-6, CM-9, MP-2, SC-23(3)]
#   resource_types: ["AWS::IAM::User"]
#   remediation: Deactivate and delete unused passwords and access keys.
#   idle: report
package vigil.rules.aws.idle.user_unused_credentials

import data.vigil.lib.aws

# [active flag, last used, what] for each credential in the report row.
credentials := [
	["password_enabled", "password_last_used", "console password"],
	["access_key_1_active", "access_key_1_last_used_date", "access key 1"],
	["access_key_2_active", "access_key_2_last_used_date", "access key 2"],
]

# Never used: counts from the user's creation.
created := object.get(input.config.Credential, "user_creation_time", object.get(input.config, "CreateDate", ""))

deny contains {"msg": msg, "path": sprintf("config.Credential.%s", [c[1]])} if {
	cred := input.config.Credential
	some c in credentials
	cred[c[0]]
	last := object.get(cred, c[1], created)
	last != ""
	aws.days_since(last) > data.vigil.context.params.unused_credential_days
	msg := sprintf("user %s: %s not used for %d days", [input.name, c[2], aws.days_since(last)])
}
