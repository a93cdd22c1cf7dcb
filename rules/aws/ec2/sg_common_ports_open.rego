# METADATA
# title: Security group allows FTP/database ports or all traffic from the internet
# description: An ingress permission open to 0.0.0.0/0 or ::/0 allows all traffic (IpProtocol -1) or covers TCP 20, 21, 3306 or 4333. SSH and RDP (22, 3389) are reported by NET-AWS-001 and not repeated here.
# custom:
#   id: NET-AWS-002
#   severity: high
#   controls: [AC-4(21), AC-17, AC-17(1), AC-17(4), AC-17(9), AC-17(10), CM-2, CM-2(2), CM-6, CM-7, CM-8(6), CM-9, SC-7, SC-7(5), SC-7(7), SC-7(11), SC-7(12), SC-7(16), SC-7(21), SC-7(24), SC-7(25), SC-7(26), SC-7(27), SC-7(28)]
#   resource_types: ["AWS::EC2::SecurityGroup"]
#   remediation: Remove world-open ingress to 20, 21, 3306, 4333 and all-traffic rules; allow only the sources that need access.
#   action: revoke_ingress
package vigil.rules.aws.ec2.sg_common_ports_open

# AWS Config restricted-common-ports defaults, without 3389 (NET-AWS-001 reports it).
blocked_ports := [20, 21, 3306, 4333]

world_sources(p) := array.concat(
	[c | some r in object.get(p, "IpRanges", []); c := r.CidrIp; c == "0.0.0.0/0"],
	[c | some r in object.get(p, "Ipv6Ranges", []); c := r.CidrIpv6; c == "::/0"],
)

protocol(p) := lower(sprintf("%v", [p.IpProtocol]))

open_permissions contains [i, p, sources] if {
	some i, p in object.get(input.config, "IpPermissions", [])
	sources := world_sources(p)
	count(sources) > 0
}

deny contains {"msg": msg, "path": sprintf("config.IpPermissions[%d]", [i])} if {
	some [i, p, sources] in open_permissions
	protocol(p) == "-1"
	msg := sprintf("security group %s (%s) allows all traffic from %s", [input.config.GroupId, input.config.GroupName, concat(", ", sources)])
}

deny contains {"msg": msg, "path": sprintf("config.IpPermissions[%d]", [i])} if {
	some [i, p, sources] in open_permissions
	protocol(p) in {"tcp", "6"}
	ports := [sprintf("%d", [port]) |
		some port in blocked_ports
		object.get(p, "FromPort", 0) <= port
		port <= object.get(p, "ToPort", 65535)
	]
	count(ports) > 0
	msg := sprintf("security group %s (%s) allows TCP %s from %s", [input.config.GroupId, input.config.GroupName, concat(", ", ports), concat(", ", sources)])
}
