# METADATA
# title: Root user has access keys
# custom:
#   id: IAM-AWS-005
#   severity: critical
#   controls: [AC-2(1), AC-2(6), AC-3(3), AC-3(4), AC-3(7), AC-3(8), AC-3(12), AC-3(13), AC-3(15), AC-4(28), AC-6, AC-6(2), AC-6(10), AC-24, CM-5(1), CM-6, CM-9, IA-2, IA-4, IA-4(4), IA-4(8), IA-5(8), MP-2, SC-23(3), SC-25]
#   resource_types: ["AWS::IAM::RootUser"]
#   remediation: Delete the root user's access keys (Security credentials page, signed in as root) and use IAM roles instead.
package vigil.rules.aws.iam.root_no_access_keys

deny contains {"msg": "the root user has access keys", "path": "config.AccountAccessKeysPresent"} if {
	input.config.AccountAccessKeysPresent
}

deny contains {"msg": "the root user has an active access key", "path": "config.Credential"} if {
	not input.config.AccountAccessKeysPresent
	some k in ["access_key_1_active", "access_key_2_active"]
	input.config.Credential[k]
}
