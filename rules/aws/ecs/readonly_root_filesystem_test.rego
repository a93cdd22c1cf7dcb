package vigil.rules.aws.ecs.readonly_root_filesystem

task(containers) := {"type": "AWS::ECS::TaskDefinition", "config": {"Family": "web", "ContainerDefinitions": containers}}

test_deny_writable if {
	r := deny with input as task([{"Name": "app", "ReadonlyRootFilesystem": true}, {"Name": "sidecar", "ReadonlyRootFilesystem": false}])
	r == {{"msg": "task definition web: container sidecar has a writable root filesystem", "path": "config.ContainerDefinitions[1].ReadonlyRootFilesystem"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as task([{"Name": "app"}])
}

test_allow_read_only if {
	count(deny) == 0 with input as task([{"Name": "app", "ReadonlyRootFilesystem": true}])
}
