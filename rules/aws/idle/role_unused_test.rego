package vigil.rules.aws.idle.role_unused

ctx := {"now_ns": 1767225600000000000, "params": {"unused_credential_days": 90}}

test_deny_never_used_old_role if {
	count(deny) == 1 with input as {"name": "r", "config": {"Path": "/", "CreateDate": "2024-01-01T00:00:00Z"}} with data.vigil.context as ctx
}

test_allow_recently_used if {
	count(deny) == 0 with input as {"name": "r", "config": {"Path": "/", "CreateDate": "2024-01-01T00:00:00Z", "RoleLastUsed": {"LastUsedDate": "2025-12-01T00:00:00Z"}}} with data.vigil.context as ctx
}

test_allow_service_linked if {
	count(deny) == 0 with input as {"name": "r", "config": {"Path": "/aws-service-role/x/", "CreateDate": "2024-01-01T00:00:00Z"}} with data.vigil.context as ctx
}
