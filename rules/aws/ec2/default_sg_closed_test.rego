package vigil.rules.aws.ec2.default_sg_closed

test_deny_default_with_rules if {
	count(deny) == 2 with input as {"config": {"GroupId": "sg", "GroupName": "default", "IpPermissions": [{"IpProtocol": "-1"}], "IpPermissionsEgress": [{"IpProtocol": "-1"}]}}
}

test_allow_default_empty if {
	count(deny) == 0 with input as {"config": {"GroupId": "sg", "GroupName": "default", "IpPermissions": [], "IpPermissionsEgress": []}}
}

test_allow_other_group if {
	count(deny) == 0 with input as {"config": {"GroupId": "sg", "GroupName": "web", "IpPermissions": [{"IpProtocol": "-1"}]}}
}
