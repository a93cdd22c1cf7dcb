# METADATA
# title: IAM user with a console password has no MFA
# custom:
#   id: IAM-AWS-007
#   severity: high
#   controls: [AC-2(1), AC-3(2), AC-3(3), AC-3(4), AC-3(8), AC-3(12), AC-3(13), AC-3(15), AC-4(28), AC-7(4), AC-24, CM-5(1), CM-6, CM-9, IA-2(1), IA-2(2), IA-2(6), IA-2(8), SC-23(3)]
#   resource_types: ["AWS::IAM::User"]
#   remediation: Require MFA for every user with console access (or remove the password and use SSO).
package vigil.rules.aws.iam.console_users_mfa

deny contains {"msg": msg, "path": "config.Credential.mfa_active"} if {
	input.config.Credential.password_enabled
	not input.config.Credential.mfa_active
	msg := sprintf("user %s can sign in to the console without MFA", [input.name])
}
