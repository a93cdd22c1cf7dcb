package vigil.rules.aws.ecs.host_network_user

task(mode, containers) := {"type": "AWS::ECS::TaskDefinition", "config": {"Family": "web", "NetworkMode": mode, "ContainerDefinitions": containers}}

test_deny_host_mode_root if {
	r := deny with input as task("host", [{"Name": "app", "User": "1000"}, {"Name": "agent", "User": "0:0"}])
	r == {{"msg": "task definition web uses host network mode and container agent runs as root (user 0:0)", "path": "config.ContainerDefinitions[1].User"}}
}

test_deny_host_mode_user_missing if {
	r := deny with input as task("host", [{"Name": "app"}])
	r == {{"msg": "task definition web uses host network mode and container app runs as root (user not set)", "path": "config.ContainerDefinitions[0].User"}}
}

test_deny_host_mode_named_root if {
	count(deny) == 2 with input as task("host", [{"Name": "a", "User": "root"}, {"Name": "b", "User": "0"}])
}

test_allow_host_mode_non_root if {
	count(deny) == 0 with input as task("host", [{"Name": "app", "User": "1000:1000"}, {"Name": "b", "User": "nginx"}])
}

test_allow_awsvpc_root if {
	count(deny) == 0 with input as task("awsvpc", [{"Name": "app"}])
}

test_allow_network_mode_missing if {
	count(deny) == 0 with input as {"config": {"Family": "web", "ContainerDefinitions": [{"Name": "app"}]}}
}
