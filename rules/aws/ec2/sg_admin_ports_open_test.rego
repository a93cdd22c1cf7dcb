package vigil.rules.aws.ec2.sg_admin_ports_open

sg(perms) := {"type": "AWS::EC2::SecurityGroup", "config": {"GroupId": "sg-1", "GroupName": "g", "IpPermissions": perms, "IpPermissionsEgress": []}}

test_deny_ssh_ipv4 if {
	r := deny with input as sg([
		{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "UserIdGroupPairs": []},
		{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "UserIdGroupPairs": []},
	])
	r == {{"msg": "security group sg-1 (g) allows TCP 22 (SSH) from 0.0.0.0/0", "path": "config.IpPermissions[1]"}}
}

test_deny_rdp_ipv6_only if {
	r := deny with input as sg([{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "10.0.0.0/8"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
	r == {{"msg": "security group sg-1 (g) allows TCP 3389 (RDP) from ::/0", "path": "config.IpPermissions[0]"}}
}

test_deny_all_protocols_ipv6 if {
	r := deny with input as sg([{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
	count(r) == 1
	some f in r
	f.msg == "security group sg-1 (g) allows all traffic, including TCP 22 (SSH), 3389 (RDP) from ::/0"
}

test_deny_range_covers_both if {
	r := deny with input as sg([{"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
	count(r) == 1
	some f in r
	contains(f.msg, "TCP 22 (SSH), 3389 (RDP) from 0.0.0.0/0, ::/0")
}

test_deny_protocol_number if {
	count(deny) == 1 with input as sg([{"IpProtocol": "6", "FromPort": 20, "ToPort": 25, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
}

test_deny_one_per_permission if {
	r := deny with input as sg([
		{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
		{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
	])
	count(r) == 2
	{f.path | some f in r} == {"config.IpPermissions[0]", "config.IpPermissions[1]"}
}

test_allow_restricted_source if {
	count(deny) == 0 with input as sg([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}], "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}], "UserIdGroupPairs": [{"GroupId": "sg-2"}]}])
}

test_allow_range_misses_admin_ports if {
	count(deny) == 0 with input as sg([
		{"IpProtocol": "tcp", "FromPort": 23, "ToPort": 3388, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
		{"IpProtocol": "tcp", "FromPort": 3390, "ToPort": 65535, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
	])
}

test_allow_udp if {
	count(deny) == 0 with input as sg([{"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
}

test_allow_no_permissions if {
	count(deny) == 0 with input as {"config": {"GroupId": "sg-1", "GroupName": "g"}}
}
