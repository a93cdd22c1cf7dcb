package vigil.rules.aws.vpc.subnet_no_auto_public_ip

subnet(map_ip, default_for_az) := {"type": "AWS::EC2::Subnet", "config": {"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24", "AvailabilityZone": "us-east-1a", "MapPublicIpOnLaunch": map_ip, "DefaultForAz": default_for_az}}

test_deny_maps_public_ip if {
	r := deny with input as subnet(true, false)
	r == {{"msg": "subnet subnet-1 (vpc-1) assigns a public IP address to every instance launched in it", "path": "config.MapPublicIpOnLaunch"}}
}

test_deny_default_subnet if {
	r := deny with input as subnet(true, true)
	count(r) == 1
	some f in r
	startswith(f.msg, "default subnet subnet-1")
}

test_allow_off if {
	count(deny) == 0 with input as subnet(false, false)
}

test_allow_field_missing if {
	count(deny) == 0 with input as {"config": {"SubnetId": "subnet-1"}}
}
