package vigil.rules.aws.idle.volume_unattached

ctx := {"now_ns": 1767225600000000000, "params": {"idle_hours": 72}}

test_deny_available_old if {
	count(deny) == 1 with input as {"config": {"VolumeId": "v", "Size": 8, "State": "available", "CreateTime": "2025-10-01T00:00:00Z"}} with data.vigil.context as ctx
}

test_allow_in_use if {
	count(deny) == 0 with input as {"config": {"VolumeId": "v", "State": "in-use", "CreateTime": "2025-10-01T00:00:00Z"}} with data.vigil.context as ctx
}

test_allow_new if {
	count(deny) == 0 with input as {"config": {"VolumeId": "v", "State": "available", "CreateTime": "2025-12-31T12:00:00Z"}} with data.vigil.context as ctx
}
