package vigil.rules.aws.ecs.container_logging

task(containers) := {"type": "AWS::ECS::TaskDefinition", "config": {"Family": "web", "ContainerDefinitions": containers}}

test_deny_log_configuration_missing if {
	r := deny with input as task([{"Name": "app", "LogConfiguration": {"LogDriver": "awslogs", "Options": {"awslogs-group": "/ecs/web"}}}, {"Name": "sidecar"}])
	r == {{"msg": "task definition web: container sidecar has no log configuration", "path": "config.ContainerDefinitions[1].LogConfiguration"}}
}

test_deny_log_driver_missing if {
	count(deny) == 1 with input as task([{"Name": "app", "LogConfiguration": {"Options": {}}}])
}

test_allow_log_driver if {
	count(deny) == 0 with input as task([{"Name": "app", "LogConfiguration": {"LogDriver": "awsfirelens", "Options": {}}}])
}
