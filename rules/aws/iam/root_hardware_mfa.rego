# METADATA
# title: Root user without (hardware) MFA
# custom:
#   id: IAM-AWS-006
#   severity: critical
#   controls: [AC-2(1), AC-3(2), AC-3(3), AC-3(4), AC-3(8), AC-3(12), AC-3(13), AC-3(15), AC-4(28), AC-7(4), AC-24, CM-5(1), CM-6, CM-9, IA-2(1), IA-2(2), IA-2(6), IA-2(8), SC-23(3)]
#   resource_types: ["AWS::IAM::RootUser"]
#   remediation: Enable MFA for the root user, preferably a hardware key (FIDO security key or hardware TOTP token).
package vigil.rules.aws.iam.root_hardware_mfa

deny contains {"msg": "the root user has no MFA device", "path": "config.AccountMFAEnabled"} if {
	not input.config.AccountMFAEnabled
}

deny contains {"msg": "the root user's MFA is a virtual device, not hardware", "path": "config.HardwareMFA"} if {
	input.config.AccountMFAEnabled
	not input.config.HardwareMFA
}
