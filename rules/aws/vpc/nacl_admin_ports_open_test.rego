package vigil.rules.aws.vpc.nacl_admin_ports_open

nacl(entries) := {"type": "AWS::EC2::NetworkAcl", "config": {"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": false, "Entries": entries, "Associations": [{"SubnetId": "subnet-1"}]}}

default_deny := [
	{"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"},
	{"RuleNumber": 32768, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "Ipv6CidrBlock": "::/0"},
]

test_deny_ssh_ipv4 if {
	r := deny with input as nacl(array.concat([
		{"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 443, "To": 443}},
		{"RuleNumber": 110, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 22}},
	], default_deny))
	r == {{"msg": "network ACL acl-1 entry 110 allows TCP 22 (SSH) from 0.0.0.0/0", "path": "config.Entries[1]"}}
}

test_deny_default_nacl_all_traffic if {
	r := deny with input as nacl(array.concat([
		{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
		{"RuleNumber": 101, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "Ipv6CidrBlock": "::/0"},
		{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"},
	], default_deny))
	r == {
		{"msg": "network ACL acl-1 entry 100 allows all traffic, including TCP 22 (SSH), 3389 (RDP) from 0.0.0.0/0", "path": "config.Entries[0]"},
		{"msg": "network ACL acl-1 entry 101 allows all traffic, including TCP 22 (SSH), 3389 (RDP) from ::/0", "path": "config.Entries[1]"},
	}
}

test_deny_range_covers_rdp if {
	r := deny with input as nacl([{"RuleNumber": 200, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 1024, "To": 65535}}])
	count(r) == 1
	some f in r
	f.msg == "network ACL acl-1 entry 200 allows TCP 3389 (RDP) from 0.0.0.0/0"
}

test_deny_partial_shadow if {
	# The deny drops SSH only: RDP is still open.
	r := deny with input as nacl([
		{"RuleNumber": 90, "Protocol": "6", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 22}},
		{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
	])
	count(r) == 1
	some f in r
	f.msg == "network ACL acl-1 entry 100 allows all traffic, including TCP 3389 (RDP) from 0.0.0.0/0"
}

test_deny_shadow_other_family_does_not_count if {
	count(deny) == 1 with input as nacl([
		{"RuleNumber": 90, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"},
		{"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false, "Ipv6CidrBlock": "::/0", "PortRange": {"From": 22, "To": 22}},
	])
}

test_deny_higher_numbered_deny_does_not_shadow if {
	count(deny) == 1 with input as nacl([
		{"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 22}},
		{"RuleNumber": 120, "Protocol": "6", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 22}},
	])
}

test_deny_fields_missing if {
	# No PortRange on a TCP allow: every port. No RuleNumber: evaluated first. No Egress: inbound.
	count(deny) == 1 with input as nacl([
		{"RuleNumber": 50, "Protocol": "6", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"},
		{"Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"},
	])
}

test_allow_shadowed_by_lower_deny if {
	count(deny) == 0 with input as nacl(array.concat([
		{"RuleNumber": 50, "Protocol": "6", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 22}},
		{"RuleNumber": 60, "Protocol": "6", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 3389, "To": 3389}},
		{"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 0, "To": 65535}},
	], default_deny))
}

test_allow_restricted_source_and_egress if {
	count(deny) == 0 with input as nacl(array.concat([
		{"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "10.0.0.0/8", "PortRange": {"From": 22, "To": 22}},
		{"RuleNumber": 110, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"},
		{"RuleNumber": 120, "Protocol": "17", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 0, "To": 65535}},
		{"RuleNumber": 130, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 443, "To": 443}},
	], default_deny))
}

test_allow_no_entries if {
	count(deny) == 0 with input as {"config": {"NetworkAclId": "acl-1"}}
}
