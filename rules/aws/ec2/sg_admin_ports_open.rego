# METADATA
# title: Security group allows SSH or RDP from the internet
# custom:
#   id: NET-AWS-001
#   severity: high
#   controls: [AC-17, AC-17(1), AC-17(4), AC-17(9), AC-17(10), CM-9, SC-7, SC-7(7), SC-7(11), SC-7(12), SC-7(16), SC-7(21), SC-7(24), SC-7(25), SC-7(26), SC-7(27), SC-7(28)]
#   resource_types: ["AWS::EC2::SecurityGroup"]
#   remediation: Remove 0.0.0.0/0 and ::/0 ingress to 22 and 3389; use Session Manager or a bastion with a narrow source range.
package vigil.rules.aws.ec2.sg_admin_ports_open

world := {"0.0.0.0/0", "::/0"}

open_to_world(p) if {
	some r in object.get(p, "IpRanges", [])
	r.CidrIp in world
}

open_to_world(p) if {
	some r in object.get(p, "Ipv6Ranges", [])
	r.CidrIpv6 in world
}

covers(p, port) if p.IpProtocol == "-1"

covers(p, port) if {
	p.IpProtocol in {"tcp", "6"}
	p.FromPort <= port
	port <= p.ToPort
}

deny contains {"msg": msg, "path": sprintf("config.IpPermissions[%d]", [i])} if {
	some i, p in input.config.IpPermissions
	open_to_world(p)
	some port in [22, 3389]
	covers(p, port)
	msg := sprintf("security group %s (%s) allows port %d from the internet", [input.config.GroupId, input.config.GroupName, port])
}
