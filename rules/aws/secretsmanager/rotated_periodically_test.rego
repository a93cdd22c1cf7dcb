package vigil.rules.aws.secretsmanager.rotated_periodically

# 2026-01-01T00:00:00Z
ctx := {"now_ns": 1767225600000000000, "params": {}}

secret(config) := {"name": "s", "type": "AWS::SecretsManager::Secret", "config": object.union({"Name": "s"}, config)}

test_deny_stale_rotation_on if {
	r := deny with input as secret({"RotationEnabled": true, "LastRotatedDate": "2025-09-01T00:00:00Z", "CreatedDate": "2024-01-01T00:00:00Z"}) with data.vigil.context as ctx
	r == {{"msg": "secret s last rotated 122 days ago, more than 90 (rotation is on)", "path": "config.LastRotatedDate"}}
}

test_deny_never_rotated_rotation_off if {
	r := deny with input as secret({"RotationEnabled": false, "CreatedDate": "2025-01-01T00:00:00Z"}) with data.vigil.context as ctx
	r == {{"msg": "secret s never rotated since its creation 365 days ago, more than 90 (rotation is off)", "path": "config.LastRotatedDate"}}
}

test_deny_no_dates if {
	r := deny with input as secret({}) with data.vigil.context as ctx
	count(r) == 1
	some f in r
	contains(f.msg, "no LastRotatedDate or CreatedDate")
	contains(f.msg, "rotation is off")
}

test_allow_recent_rotation if {
	count(deny) == 0 with input as secret({"RotationEnabled": true, "LastRotatedDate": "2025-12-01T00:00:00Z", "CreatedDate": "2020-01-01T00:00:00Z"}) with data.vigil.context as ctx
}

test_allow_recently_created_never_rotated if {
	count(deny) == 0 with input as secret({"RotationEnabled": false, "CreatedDate": "2025-12-15T00:00:00Z"}) with data.vigil.context as ctx
}

test_allow_within_custom_threshold if {
	count(deny) == 0 with input as secret({"LastRotatedDate": "2025-09-01T00:00:00Z"}) with data.vigil.context as {"now_ns": 1767225600000000000, "params": {"secret_rotation_days": 180}}
}
