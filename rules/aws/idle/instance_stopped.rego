# METADATA
# title: EC2 instance has been stopped for longer than idle_hours
# custom:
#   id: IDLE-AWS-001
#   severity: low
#   controls: [CM-2, CM-2(2), CM-3(3), CM-8(6), CM-7(1)]
#   resource_types: ["AWS::EC2::Instance"]
#   remediation: Terminate the instance if it is no longer needed (snapshot its volumes first), or start it again.
package vigil.rules.aws.idle.instance_stopped

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.State.Name"} if {
	input.config.State.Name == "stopped"
	since := input.config.StoppedAt
	aws.older_than_hours(since, data.vigil.context.params.idle_hours)
	msg := sprintf("instance %s has been stopped since %s (%d days)", [input.config.InstanceId, since, aws.days_since(since)])
}
