package vigil.rules.aws.idle.user_unused_credentials

ctx := {"now_ns": 1767225600000000000, "params": {"unused_credential_days": 90}}

test_deny_old_key if {
	count(deny) == 1 with input as {"name": "u", "config": {"Credential": {"access_key_1_active": true, "access_key_1_last_used_date": "2025-01-01T00:00:00Z"}}} with data.vigil.context as ctx
}

test_deny_never_used_counts_from_creation if {
	count(deny) == 1 with input as {"name": "u", "config": {"Credential": {"password_enabled": true, "user_creation_time": "2025-01-01T00:00:00Z"}}} with data.vigil.context as ctx
}

test_allow_recent_and_inactive if {
	count(deny) == 0 with input as {"name": "u", "config": {"Credential": {"password_enabled": true, "password_last_used": "2025-12-20T00:00:00Z", "access_key_1_active": false, "access_key_1_last_used_date": "2020-01-01T00:00:00Z"}}} with data.vigil.context as ctx
}
