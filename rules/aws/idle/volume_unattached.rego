# METADATA
# title: EBS volume has been unattached for longer than idle_hours
# description: "Until vigil's history gives the time a volume became available, the volume's creation time is used: a volume created more than idle_hours ago that is available now is reported."
# custom:
#   id: IDLE-AWS-002
#   severity: low
#   controls: [CM-2, CM-2(2), CM-3(3), CM-8(6), CM-7(1)]
#   resource_types: ["AWS::EC2::Volume"]
#   remediation: Snapshot and delete the volume if it is no longer needed.
package vigil.rules.aws.idle.volume_unattached

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.State"} if {
	input.config.State == "available"
	aws.older_than_hours(input.config.CreateTime, data.vigil.context.params.idle_hours)
	msg := sprintf("volume %s (%d GiB) is not attached to any instance (created %s)", [input.config.VolumeId, object.get(input.config, "Size", 0), input.config.CreateTime])
}
