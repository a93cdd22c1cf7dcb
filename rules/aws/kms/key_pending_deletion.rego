# METADATA
# title: KMS customer key is scheduled for deletion
# custom:
#   id: KMS-AWS-002
#   severity: critical
#   controls: [SA-9(6), SC-12, SC-12(2), SC-12(6)]
#   resource_types: ["AWS::KMS::Key"]
#   remediation: If the key is still needed, aws kms cancel-key-deletion --key-id <key> before the deletion date.
package vigil.rules.aws.kms.key_pending_deletion

deny contains {"msg": msg, "path": "config.KeyState"} if {
	input.config.KeyState == "PendingDeletion"
	msg := sprintf("key %s is scheduled for deletion on %s", [input.config.KeyId, object.get(input.config, "DeletionDate", "an unknown date")])
}
