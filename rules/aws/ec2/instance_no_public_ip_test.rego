package vigil.rules.aws.ec2.instance_no_public_ip

test_deny_public_ip if {
	r := deny with input as {"config": {"InstanceId": "i-1", "PublicIpAddress": "54.1.2.3", "PrivateIpAddress": "10.0.0.5"}}
	r == {{"msg": "instance i-1 has the public IP address 54.1.2.3", "path": "config.PublicIpAddress"}}
}

test_allow_private_only if {
	count(deny) == 0 with input as {"config": {"InstanceId": "i-1", "PrivateIpAddress": "10.0.0.5"}}
}

test_allow_empty_string if {
	count(deny) == 0 with input as {"config": {"InstanceId": "i-1", "PublicIpAddress": ""}}
}
