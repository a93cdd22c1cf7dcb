package vigil.rules.aws.ecs.privileged_container

task(containers) := {"type": "AWS::ECS::TaskDefinition", "config": {"Family": "web", "ContainerDefinitions": containers}}

test_deny_privileged if {
	r := deny with input as task([{"Name": "app", "Privileged": false}, {"Name": "agent", "Privileged": true}])
	r == {{"msg": "task definition web: container agent is privileged", "path": "config.ContainerDefinitions[1].Privileged"}}
}

test_allow_not_privileged if {
	count(deny) == 0 with input as task([{"Name": "app", "Privileged": false}])
}

test_allow_privileged_missing if {
	count(deny) == 0 with input as task([{"Name": "app"}])
}
