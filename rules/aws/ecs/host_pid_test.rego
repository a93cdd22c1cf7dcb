package vigil.rules.aws.ecs.host_pid

test_deny_host_pid if {
	r := deny with input as {"type": "AWS::ECS::TaskDefinition", "config": {"Family": "web", "PidMode": "host"}}
	r == {{"msg": "task definition web shares the host's PID namespace (pidMode host)", "path": "config.PidMode"}}
}

test_allow_task_pid if {
	count(deny) == 0 with input as {"config": {"Family": "web", "PidMode": "task"}}
}

test_allow_pid_mode_missing if {
	count(deny) == 0 with input as {"config": {"Family": "web"}}
}
