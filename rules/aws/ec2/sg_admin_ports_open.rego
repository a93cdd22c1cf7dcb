# METADATA
# title: Security group allows SSH or RDP from the internet
# description: An ingress permission open to 0.0.0.0/0 or ::/0 covers TCP 22 (SSH) or 3389 (RDP), either as a TCP port range or as all traffic (IpProtocol -1).
# custom:
#   id: NET-AWS-001
#   severity: high
#   controls: [AC-17, AC-17(1), AC-17(4), AC-17(9), AC-17(10), CM-9, SC-7, SC-7(7), SC-7(11), SC-7(12), SC-7(16), SC-7(21), SC-7(24), SC-7(25), SC-7(26), SC-7(27), SC-7(28)]
#   resource_types: ["AWS::EC2::SecurityGroup"]
#   remediation: Remove 0.0.0.0/0 and ::/0 ingress to 22 and 3389; use Session Manager or a bastion with a narrow source range.
#   action: revoke_ingress
package vigil.rules.aws.ec2.sg_admin_ports_open

admin_ports := {22: "SSH", 3389: "RDP"}

world_sources(p) := array.concat(
	[c | some r in object.get(p, "IpRanges", []); c := r.CidrIp; c == "0.0.0.0/0"],
	[c | some r in object.get(p, "Ipv6Ranges", []); c := r.CidrIpv6; c == "::/0"],
)

protocol(p) := lower(sprintf("%v", [p.IpProtocol]))

covers(p, _) if protocol(p) == "-1"

covers(p, port) if {
	protocol(p) in {"tcp", "6"}
	object.get(p, "FromPort", 0) <= port
	port <= object.get(p, "ToPort", 65535)
}

# One finding per offending ingress permission, naming every admin port it opens.
deny contains {"msg": msg, "path": sprintf("config.IpPermissions[%d]", [i])} if {
	some i, p in object.get(input.config, "IpPermissions", [])
	sources := world_sources(p)
	count(sources) > 0
	ports := [sprintf("%d (%s)", [port, name]) | some port, name in admin_ports; covers(p, port)]
	count(ports) > 0
	msg := sprintf("security group %s (%s) allows %sTCP %s from %s", [
		input.config.GroupId, input.config.GroupName,
		traffic(p), concat(", ", ports), concat(", ", sources),
	])
}

traffic(p) := "all traffic, including " if protocol(p) == "-1"

traffic(p) := "" if protocol(p) != "-1"
