package vigil.rules.aws.ec2.sg_common_ports_open

perm(proto, from, to, cidr) := {"IpProtocol": proto, "FromPort": from, "ToPort": to, "IpRanges": [{"CidrIp": cidr}], "Ipv6Ranges": []}

test_deny_mysql if {
	count(deny) == 1 with input as {"config": {"GroupId": "sg", "GroupName": "g", "IpPermissions": [perm("tcp", 3306, 3306, "0.0.0.0/0")]}}
}

test_deny_all_traffic_once if {
	count(deny) == 1 with input as {"config": {"GroupId": "sg", "GroupName": "g", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}}
}

test_allow_ssh_is_another_rule if {
	count(deny) == 0 with input as {"config": {"GroupId": "sg", "GroupName": "g", "IpPermissions": [perm("tcp", 22, 22, "0.0.0.0/0"), perm("tcp", 3389, 3389, "0.0.0.0/0")]}}
}

test_allow_restricted if {
	count(deny) == 0 with input as {"config": {"GroupId": "sg", "GroupName": "g", "IpPermissions": [perm("tcp", 3306, 3306, "10.1.0.0/16")]}}
}
