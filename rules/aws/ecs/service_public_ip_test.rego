package vigil.rules.aws.ecs.service_public_ip

service(assign) := {"type": "AWS::ECS::Service", "config": {"ServiceName": "api", "NetworkConfiguration": {"AwsvpcConfiguration": {"AssignPublicIp": assign, "Subnets": ["subnet-1"], "SecurityGroups": ["sg-1"]}}}}

test_deny_public_ip if {
	r := deny with input as service("ENABLED")
	r == {{"msg": "ECS service api assigns public IP addresses to its tasks", "path": "config.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp"}}
}

test_allow_disabled if {
	count(deny) == 0 with input as service("DISABLED")
}

test_allow_network_configuration_missing if {
	count(deny) == 0 with input as {"config": {"ServiceName": "api", "LaunchType": "EC2"}}
}
