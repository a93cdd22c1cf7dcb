# METADATA
# title: EBS volume in a reapable environment has been unattached for longer than idle_hours
# description: "Only volumes whose tags match rules.params.reapable_tags (default environment=dev) are reported. A volume is idle since the time vigil's history first saw it available; without that history (an evaluation without a database), since its creation time. When neither is known the rule does not fire."
# custom:
#   id: IDLE-AWS-002
#   severity: low
#   controls: [CM-2, CM-2(2), CM-3(3), CM-8(6), CM-7(1)]
#   resource_types: ["AWS::EC2::Volume"]
#   remediation: Snapshot and delete the volume if it is no longer needed. To keep unattached volumes of an environment from being reported, leave its tag value out of rules.params.reapable_tags.
#   action: ebs_snapshot_then_delete
#   idle: reap
package vigil.rules.aws.idle.volume_unattached

import data.vigil.lib.aws
import data.vigil.lib.idle

deny contains {"msg": msg, "path": "config.State"} if {
	input.config.State == "available"
	env := aws.reapable(input)
	idle.past_idle_hours(since)
	msg := sprintf("volume %s (%d GiB) has been unattached since %s (%d days); %s", [input.config.VolumeId, object.get(input.config, "Size", 0), since, idle.days_since(since), env])
}

# The history time; without one, the creation time.
since := idle.since(input, [])

since := created if {
	not idle.since(input, [])
	created := object.get(input.config, "CreateTime", null)
	idle.timestamp_ns(created)
}
