# METADATA
# title: EC2 instance in a reapable environment has been stopped for longer than idle_hours
# description: "Only instances whose tags match rules.params.reapable_tags (default environment=dev) are reported. An instance is idle since the earliest of the time vigil's history first saw it stopped and the API's StoppedAt; when neither is known the rule does not fire."
# custom:
#   id: IDLE-AWS-001
#   severity: low
#   controls: [CM-2, CM-2(2), CM-3(3), CM-8(6), CM-7(1)]
#   resource_types: ["AWS::EC2::Instance"]
#   remediation: Terminate the instance if it is no longer needed (snapshot its volumes first), or start it again. To keep stopped instances of an environment from being reported, leave its tag value out of rules.params.reapable_tags.
#   idle: reap
package vigil.rules.aws.idle.instance_stopped

import data.vigil.lib.aws
import data.vigil.lib.idle

deny contains {"msg": msg, "path": "config.State.Name"} if {
	input.config.State.Name == "stopped"
	env := aws.reapable(input)
	since := idle.since(input, [object.get(input.config, "StoppedAt", null)])
	idle.past_idle_hours(since)
	msg := sprintf("instance %s has been stopped since %s (%d days); %s", [input.config.InstanceId, since, idle.days_since(since), env])
}
