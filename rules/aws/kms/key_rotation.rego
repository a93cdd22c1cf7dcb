# METADATA
# title: KMS customer key rotation is off
# custom:
#   id: KMS-AWS-001
#   severity: high
#   controls: [CM-6, CM-9, SA-9(6), SC-12, SC-12(2), SC-12(6)]
#   resource_types: ["AWS::KMS::Key"]
#   remediation: aws kms enable-key-rotation --key-id <key>.
package vigil.rules.aws.kms.key_rotation

deny contains {"msg": msg, "path": "config.KeyRotationEnabled"} if {
	input.config.KeySpec == "SYMMETRIC_DEFAULT"
	input.config.Enabled
	input.config.KeyRotationEnabled == false
	msg := sprintf("key %s does not rotate", [input.config.KeyId])
}
