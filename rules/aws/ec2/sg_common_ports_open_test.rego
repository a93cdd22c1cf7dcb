package vigil.rules.aws.ec2.sg_common_ports_open

sg(perms) := {"type": "AWS::EC2::SecurityGroup", "config": {"GroupId": "sg-1", "GroupName": "g", "IpPermissions": perms, "IpPermissionsEgress": []}}

test_deny_mysql if {
	r := deny with input as sg([{"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "UserIdGroupPairs": []}])
	r == {{"msg": "security group sg-1 (g) allows TCP 3306 from 0.0.0.0/0", "path": "config.IpPermissions[0]"}}
}

test_deny_ftp_range_ipv6 if {
	r := deny with input as sg([{"IpProtocol": "6", "FromPort": 20, "ToPort": 21, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
	r == {{"msg": "security group sg-1 (g) allows TCP 20, 21 from ::/0", "path": "config.IpPermissions[0]"}}
}

test_deny_all_traffic if {
	r := deny with input as sg([{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
	r == {{"msg": "security group sg-1 (g) allows all traffic from 0.0.0.0/0, ::/0", "path": "config.IpPermissions[0]"}}
}

test_deny_full_tcp_range_once if {
	r := deny with input as sg([{"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
	count(r) == 1
	some f in r
	contains(f.msg, "TCP 20, 21, 3306, 4333 from")
}

test_deny_one_per_permission if {
	r := deny with input as sg([
		{"IpProtocol": "tcp", "FromPort": 4333, "ToPort": 4333, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
		{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
		{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
	])
	{f.path | some f in r} == {"config.IpPermissions[0]", "config.IpPermissions[2]"}
}

test_allow_ssh_and_rdp_left_to_net_aws_001 if {
	count(deny) == 0 with input as sg([
		{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
		{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
	])
}

test_allow_https if {
	count(deny) == 0 with input as sg([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
}

test_allow_restricted_source if {
	count(deny) == 0 with input as sg([
		{"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "IpRanges": [{"CidrIp": "10.0.0.0/16"}], "UserIdGroupPairs": [{"GroupId": "sg-app"}]},
		{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-1"}]},
	])
}

test_allow_udp if {
	count(deny) == 0 with input as sg([{"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
}

test_allow_world_open_egress if {
	count(deny) == 0 with input as {"config": {"GroupId": "sg-1", "GroupName": "g", "IpPermissions": [], "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}}
}
