# METADATA
# title: NAT gateway has had no route through it for longer than idle_hours
# description: "An available NAT gateway that no route table routes through (RoutedBy empty) carries no traffic but is billed by the hour. It is idle since the time vigil's history first saw it unrouted; without that history, since its CreateTime (a lower bound the API gives). It is reported once that is more than rules.params.idle_hours (default 72) before the scan; when neither time is known, or RoutedBy was not collected, the rule does not fire."
# custom:
#   id: IDLE-AWS-007
#   severity: low
#   controls: [CM-7(1), CM-8]
#   resource_types: ["AWS::EC2::NatGateway"]
#   remediation: Delete the NAT gateway if no subnet needs it (aws ec2 delete-nat-gateway --nat-gateway-id <nat>) and release its Elastic IP, or add the missing 0.0.0.0/0 route to the private subnets' route tables.
#   idle: report
package vigil.rules.aws.idle.nat_gateway_unrouted

import data.vigil.lib.idle

deny contains {"msg": msg, "path": "config.RoutedBy"} if {
	input.config.State == "available"
	routed_by := input.config.RoutedBy
	count(routed_by) == 0
	since := idle.since_or(input, [object.get(input.config, "CreateTime", null)])
	idle.past_idle_hours(since)
	msg := sprintf("NAT gateway %s (%s) has had no route table routing through it since %s (%d days)", [input.config.NatGatewayId, object.get(input.config, "VpcId", "unknown VPC"), since, idle.days_since(since)])
}
