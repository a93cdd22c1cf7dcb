package vigil.rules.aws.idle.instance_stopped

ctx := {"now_ns": 1767225600000000000, "params": {"idle_hours": 72}}

test_deny_stopped_long_ago if {
	count(deny) == 1 with input as {"config": {"InstanceId": "i", "State": {"Name": "stopped"}, "StoppedAt": "2025-11-01T00:00:00Z"}} with data.vigil.context as ctx
}

test_allow_recently_stopped if {
	count(deny) == 0 with input as {"config": {"InstanceId": "i", "State": {"Name": "stopped"}, "StoppedAt": "2025-12-31T00:00:00Z"}} with data.vigil.context as ctx
}

test_allow_running if {
	count(deny) == 0 with input as {"config": {"InstanceId": "i", "State": {"Name": "running"}}} with data.vigil.context as ctx
}
