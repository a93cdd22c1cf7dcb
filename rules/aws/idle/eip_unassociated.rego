# METADATA
# title: Elastic IP address in a reapable environment has been unassociated for longer than idle_hours
# description: "Only addresses whose tags match rules.params.reapable_tags (default environment=dev) are reported. The API does not say since when an address is unassociated: the rule relies on the time vigil's history first saw it so, and does not fire without it (a first scan, or an evaluation without a database)."
# custom:
#   id: IDLE-AWS-003
#   severity: low
#   controls: [CM-7(1), CM-8]
#   resource_types: ["AWS::EC2::EIP"]
#   remediation: Release the address if it is not needed (unassociated addresses are billed). To keep unassociated addresses of an environment from being reported, leave its tag value out of rules.params.reapable_tags.
#   action: eip_release
#   idle: reap
package vigil.rules.aws.idle.eip_unassociated

import data.vigil.lib.aws
import data.vigil.lib.idle

deny contains {"msg": msg, "path": "config.AssociationId"} if {
	not associated
	env := aws.reapable(input)
	since := idle.since(input, [])
	idle.past_idle_hours(since)
	msg := sprintf("Elastic IP %s has been unassociated since %s (%d days); %s", [object.get(input.config, "PublicIp", object.get(input.config, "AllocationId", input.id)), since, idle.days_since(since), env])
}

# An empty AssociationId counts as none.
associated if {
	a := input.config.AssociationId
	is_string(a)
	a != ""
}
