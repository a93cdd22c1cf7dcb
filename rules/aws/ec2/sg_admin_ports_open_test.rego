package vigil.rules.aws.ec2.sg_admin_ports_open

perm(proto, from, to, cidr) := {"IpProtocol": proto, "FromPort": from, "ToPort": to, "IpRanges": [{"CidrIp": cidr}], "Ipv6Ranges": []}

test_deny_ssh_world if {
	count(deny) == 1 with input as {"config": {"GroupId": "sg", "GroupName": "g", "IpPermissions": [perm("tcp", 22, 22, "0.0.0.0/0")]}}
}

test_deny_range_covers_both if {
	count(deny) == 2 with input as {"config": {"GroupId": "sg", "GroupName": "g", "IpPermissions": [perm("tcp", 0, 65535, "0.0.0.0/0")]}}
}

test_deny_all_protocols_ipv6 if {
	count(deny) == 2 with input as {"config": {"GroupId": "sg", "GroupName": "g", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]}}
}

test_allow_private_source if {
	count(deny) == 0 with input as {"config": {"GroupId": "sg", "GroupName": "g", "IpPermissions": [perm("tcp", 22, 22, "10.0.0.0/8")]}}
}

test_allow_https_world if {
	count(deny) == 0 with input as {"config": {"GroupId": "sg", "GroupName": "g", "IpPermissions": [perm("tcp", 443, 443, "0.0.0.0/0")]}}
}
