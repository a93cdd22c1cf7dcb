# METADATA
# title: Default security group allows traffic
# description: A VPC's default security group (GroupName default) must have no inbound and no outbound rules. Each rule is reported.
# custom:
#   id: NET-AWS-003
#   severity: high
#   controls: [AC-4(21), AC-17, AC-17(1), AC-17(4), AC-17(9), AC-17(10), CM-6, CM-9, SC-7, SC-7(5), SC-7(7), SC-7(11), SC-7(12), SC-7(16), SC-7(21), SC-7(24), SC-7(25), SC-7(26), SC-7(27), SC-7(28)]
#   resource_types: ["AWS::EC2::SecurityGroup"]
#   remediation: Remove every inbound and outbound rule from the VPC's default security group; use dedicated groups.
package vigil.rules.aws.ec2.default_sg_closed

directions := {"IpPermissions": "inbound", "IpPermissionsEgress": "outbound"}

protocol(p) := lower(sprintf("%v", [p.IpProtocol]))

traffic(p) := "all traffic" if protocol(p) == "-1"

traffic(p) := sprintf("%s %v-%v", [protocol(p), object.get(p, "FromPort", "?"), object.get(p, "ToPort", "?")]) if protocol(p) != "-1"

peers(p) := array.concat(
	array.concat(
		[r.CidrIp | some r in object.get(p, "IpRanges", [])],
		[r.CidrIpv6 | some r in object.get(p, "Ipv6Ranges", [])],
	),
	[g.GroupId | some g in object.get(p, "UserIdGroupPairs", [])],
)

deny contains {"msg": msg, "path": sprintf("config.%s[%d]", [key, i])} if {
	input.config.GroupName == "default"
	some key, direction in directions
	some i, p in object.get(input.config, key, [])
	msg := sprintf("default security group %s of %s has an %s rule: %s with %s", [
		input.config.GroupId, object.get(input.config, "VpcId", "its VPC"),
		direction, traffic(p), concat(", ", peers(p)),
	])
}
