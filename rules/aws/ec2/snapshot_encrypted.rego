# METADATA
# title: EBS snapshot is not encrypted
# custom:
#   id: EBS-AWS-003
#   severity: medium
#   controls: [SC-28, SC-28(1)]
#   resource_types: ["AWS::EC2::Snapshot"]
#   remediation: Copy the snapshot with --encrypted and delete the unencrypted one.
package vigil.rules.aws.ec2.snapshot_encrypted

deny contains {"msg": msg, "path": "config.Encrypted"} if {
	not input.config.Encrypted
	msg := sprintf("snapshot %s is not encrypted", [input.config.SnapshotId])
}
