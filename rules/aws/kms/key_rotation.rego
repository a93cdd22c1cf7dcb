# METADATA
# title: KMS customer key rotation is off
# description: Enabled customer-managed symmetric keys (KeySpec SYMMETRIC_DEFAULT) must have automatic rotation on. Keys whose rotation status could not be read (no KeyRotationEnabled) are not checked.
# custom:
#   id: KMS-AWS-001
#   severity: high
#   controls: [CM-6, CM-9, SA-9(6), SC-12, SC-12(2), SC-12(6)]
#   resource_types: ["AWS::KMS::Key"]
#   remediation: aws kms enable-key-rotation --key-id <key>.
#   action: kms_enable_rotation
package vigil.rules.aws.kms.key_rotation

deny contains {"msg": msg, "path": "config.KeyRotationEnabled"} if {
	object.get(input.config, "KeyManager", "CUSTOMER") == "CUSTOMER"
	input.config.KeySpec == "SYMMETRIC_DEFAULT"
	input.config.Enabled == true
	input.config.KeyRotationEnabled == false
	msg := sprintf("customer key %s does not rotate automatically", [input.config.KeyId])
}
