package vigil.rules.aws.lambda.inside_vpc

test_deny_vpc_config_missing if {
	r := deny with input as {"type": "AWS::Lambda::Function", "config": {"FunctionName": "hook"}}
	r == {{"msg": "Lambda function hook is not connected to a VPC", "path": "config.VpcConfig"}}
}

test_deny_no_subnets if {
	count(deny) == 1 with input as {"config": {"FunctionName": "hook", "VpcConfig": {"VpcId": "vpc-1", "SubnetIds": [], "SecurityGroupIds": []}}}
}

test_allow_in_vpc if {
	count(deny) == 0 with input as {"config": {"FunctionName": "hook", "VpcConfig": {"VpcId": "vpc-1", "SubnetIds": ["subnet-1", "subnet-2"], "SecurityGroupIds": ["sg-1"]}}}
}
