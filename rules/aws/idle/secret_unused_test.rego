package vigil.rules.aws.idle.secret_unused

# 2026-01-01T00:00:00Z
ctx := {"now_ns": 1767225600000000000, "params": {}}

secret(config) := {"name": "s", "type": "AWS::SecretsManager::Secret", "config": object.union({"Name": "s"}, config)}

test_deny_not_accessed if {
	r := deny with input as secret({"LastAccessedDate": "2025-09-01T00:00:00Z", "CreatedDate": "2024-01-01T00:00:00Z"}) with data.vigil.context as ctx
	r == {{"msg": "secret s not accessed for 122 days", "path": "config.LastAccessedDate"}}
}

test_deny_bare_date if {
	count(deny) == 1 with input as secret({"LastAccessedDate": "2025-09-01"}) with data.vigil.context as ctx
}

test_deny_never_accessed_counts_from_creation if {
	r := deny with input as secret({"CreatedDate": "2025-01-01T00:00:00Z"}) with data.vigil.context as ctx
	r == {{"msg": "secret s never accessed since its creation 365 days ago", "path": "config.LastAccessedDate"}}
}

test_allow_recently_accessed if {
	count(deny) == 0 with input as secret({"LastAccessedDate": "2025-12-20T00:00:00Z", "CreatedDate": "2020-01-01T00:00:00Z"}) with data.vigil.context as ctx
}

test_allow_new_never_accessed if {
	count(deny) == 0 with input as secret({"CreatedDate": "2025-12-01T00:00:00Z"}) with data.vigil.context as ctx
}

test_allow_no_dates if {
	count(deny) == 0 with input as secret({}) with data.vigil.context as ctx
}

test_allow_custom_threshold if {
	count(deny) == 0 with input as secret({"LastAccessedDate": "2025-09-01T00:00:00Z"}) with data.vigil.context as {"now_ns": 1767225600000000000, "params": {"unused_secret_days": 180}}
}
