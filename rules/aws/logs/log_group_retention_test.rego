package vigil.rules.aws.logs.log_group_retention

ctx := {"now_ns": 1767225600000000000, "params": {}}

group(config) := {"name": "/app/web", "type": "AWS::Logs::LogGroup", "config": object.union({"LogGroupName": "/app/web"}, config)}

test_deny_short_retention if {
	r := deny with input as group({"RetentionInDays": 30}) with data.vigil.context as ctx
	r == {{"msg": "log group /app/web keeps events for 30 days, less than 365", "path": "config.RetentionInDays"}}
}

test_deny_below_custom_minimum if {
	count(deny) == 1 with input as group({"RetentionInDays": 365}) with data.vigil.context as {"params": {"log_retention_days": 400}}
}

test_allow_long_retention if {
	count(deny) == 0 with input as group({"RetentionInDays": 400}) with data.vigil.context as ctx
}

test_allow_exact_minimum if {
	count(deny) == 0 with input as group({"RetentionInDays": 365}) with data.vigil.context as ctx
}

test_allow_never_expire if {
	count(deny) == 0 with input as group({}) with data.vigil.context as ctx
}
