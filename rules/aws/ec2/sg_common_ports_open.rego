# METADATA
# title: Security group allows database/FTP ports or all traffic from the internet
# custom:
#   id: NET-AWS-002
#   severity: high
#   controls: [AC-4(21), AC-17, AC-17(1), AC-17(4), AC-17(9), AC-17(10), CM-2, CM-2(2), CM-6, CM-7, CM-8(6), CM-9, SC-7, SC-7(5), SC-7(7), SC-7(11), SC-7(12), SC-7(16), SC-7(21), SC-7(24), SC-7(25), SC-7(26), SC-7(27), SC-7(28)]
#   resource_types: ["AWS::EC2::SecurityGroup"]
#   remediation: Remove world-open ingress to 20, 21, 3306, 4333 and all-traffic rules; allow only the sources that need access.
package vigil.rules.aws.ec2.sg_common_ports_open

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

blocked := [20, 21, 3306, 4333]

deny contains {"msg": msg, "path": sprintf("config.IpPermissions[%d]", [i])} if {
	some i, p in input.config.IpPermissions
	open_to_world(p)
	p.IpProtocol == "-1"
	msg := sprintf("security group %s (%s) allows all traffic from the internet", [input.config.GroupId, input.config.GroupName])
}

deny contains {"msg": msg, "path": sprintf("config.IpPermissions[%d]", [i])} if {
	some i, p in input.config.IpPermissions
	open_to_world(p)
	p.IpProtocol != "-1"
	some port in blocked
	covers(p, port)
	msg := sprintf("security group %s (%s) allows port %d from the internet", [input.config.GroupId, input.config.GroupName, port])
}
