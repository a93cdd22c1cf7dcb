# METADATA
# title: Network ACL allows SSH or RDP from the internet
# description: "An inbound allow entry for 0.0.0.0/0 or ::/0 whose protocol is TCP (6) or all (-1) and whose port range covers 22 (SSH) or 3389 (RDP) fails, unless a lower-numbered inbound deny entry for the same whole-internet range already drops that port (network ACL entries are evaluated in ascending RuleNumber order, first match wins). An allow entry without PortRange covers every port; an allow entry without RuleNumber is taken as evaluated first, a deny entry without RuleNumber or PortRange (for TCP) shadows nothing."
# custom:
#   id: NET-AWS-008
#   severity: high
#   controls: [AC-17, AC-17(1), AC-17(4), AC-17(9), AC-17(10), CM-9, SC-7, SC-7(7), SC-7(11), SC-7(12), SC-7(16), SC-7(21), SC-7(24), SC-7(25), SC-7(26), SC-7(27), SC-7(28)]
#   resource_types: ["AWS::EC2::NetworkAcl"]
#   remediation: Replace the entry with one limited to trusted source ranges, or add a lower-numbered inbound deny entry for 0.0.0.0/0 (and ::/0) on TCP 22 and 3389 (aws ec2 create-network-acl-entry --ingress --rule-action deny ...).
package vigil.rules.aws.vpc.nacl_admin_ports_open

admin_ports := {22: "SSH", 3389: "RDP"}

entries := object.get(input.config, "Entries", [])

ingress(e) if object.get(e, "Egress", false) != true

protocol(e) := lower(sprintf("%v", [object.get(e, "Protocol", "")]))

tcp(e) if protocol(e) in {"-1", "6", "tcp"}

action(e) := lower(object.get(e, "RuleAction", ""))

# The whole-internet range an entry applies to, if any.
world(e) := "0.0.0.0/0" if object.get(e, "CidrBlock", "") == "0.0.0.0/0"

world(e) := "::/0" if object.get(e, "Ipv6CidrBlock", "") == "::/0"

in_range(e, port) if {
	r := e.PortRange
	object.get(r, "From", 0) <= port
	port <= object.get(r, "To", 65535)
}

# An allow entry covers a port when it is for all protocols, or TCP with a range that
# includes it; a missing PortRange counts as every port.
allow_covers(e, port) if protocol(e) == "-1"

allow_covers(e, port) if {
	tcp(e)
	not e.PortRange
}

allow_covers(e, port) if {
	tcp(e)
	in_range(e, port)
}

# A deny entry only shadows what it provably covers.
deny_covers(e, port) if protocol(e) == "-1"

deny_covers(e, port) if {
	tcp(e)
	in_range(e, port)
}

# Is the port from `source` dropped by an inbound deny entry numbered below `number`?
shadowed(number, source, port) if {
	some d in entries
	ingress(d)
	action(d) == "deny"
	world(d) == source
	object.get(d, "RuleNumber", 32768) < number
	deny_covers(d, port)
}

# One finding per offending entry, naming the ports it opens.
deny contains {"msg": msg, "path": sprintf("config.Entries[%d]", [i])} if {
	some i, e in entries
	ingress(e)
	action(e) == "allow"
	source := world(e)
	number := object.get(e, "RuleNumber", 0)
	ports := [sprintf("%d (%s)", [port, name]) |
		some port, name in admin_ports
		allow_covers(e, port)
		not shadowed(number, source, port)
	]
	count(ports) > 0
	msg := sprintf("network ACL %s entry %v allows %sTCP %s from %s", [
		input.config.NetworkAclId, object.get(e, "RuleNumber", "(unnumbered)"),
		traffic(e), concat(", ", ports), source,
	])
}

traffic(e) := "all traffic, including " if protocol(e) == "-1"

traffic(e) := "" if protocol(e) != "-1"
