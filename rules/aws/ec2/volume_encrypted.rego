# METADATA
# title: EBS volume is not encrypted
# custom:
#   id: EBS-AWS-001
#   severity: high
#   controls: [AU-9(3), CM-6, CM-9, CP-9, SC-8(3), SC-8(4), SC-13, SC-28(1), SI-19(4)]
#   resource_types: ["AWS::EC2::Volume"]
#   remediation: Snapshot the volume, copy the snapshot with encryption, restore from it and swap; enable EBS encryption by default.
package vigil.rules.aws.ec2.volume_encrypted

deny contains {"msg": msg, "path": "config.Encrypted"} if {
	object.get(input.config, "Encrypted", false) != true
	msg := sprintf("volume %s is not encrypted", [object.get(input.config, "VolumeId", input.id)])
}
