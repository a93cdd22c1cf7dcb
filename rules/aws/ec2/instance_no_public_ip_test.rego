package vigil.rules.aws.ec2.instance_no_public_ip

test_deny_public if {
	count(deny) == 1 with input as {"config": {"InstanceId": "i", "PublicIpAddress": "203.0.113.1"}}
}

test_allow_private if {
	count(deny) == 0 with input as {"config": {"InstanceId": "i", "PrivateIpAddress": "10.0.0.1"}}
}
