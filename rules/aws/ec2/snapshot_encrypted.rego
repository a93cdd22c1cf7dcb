# METADATA
# title: EBS snapshot is not encrypted
# custom:
#   id: EBS-AWS-003
#   severity: medium
#   controls: [SC-28, SC-28(1)]
#   resource_types: ["AWS::EC2::Snapshot"]
#   remediation: Copy the snapshot with --encrypted (and a KMS key), then delete the unencrypted one.
package vigil.rules.aws.ec2.snapshot_encrypted

deny contains {"msg": msg, "path": "config.Encrypted"} if {
	object.get(input.config, "Encrypted", false) != true
	msg := sprintf("snapshot %s (of volume %s) is not encrypted", [
		object.get(input.config, "SnapshotId", input.id),
		object.get(input.config, "VolumeId", "unknown"),
	])
}
