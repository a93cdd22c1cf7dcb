package vigil.rules.aws.idle.instance_stopped

# Scan time 2026-01-01T00:00:00Z, idle_hours 72 (the defaults of the test runner, set
# explicitly where a test depends on them).

instance(tags, config) := {
	"id": "arn:aws:ec2:us-east-1:123456789012:instance/i-1", "type": "AWS::EC2::Instance",
	"tags": tags,
	"config": object.union({"InstanceId": "i-1", "State": {"Name": "stopped"}}, config),
}

test_deny_stopped_long_ago_api_time if {
	r := deny with input as instance({"environment": "dev"}, {"StoppedAt": "2025-11-01T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.now_ns as 1767225600000000000
	count(r) == 1
	some f in r
	f.msg == "instance i-1 has been stopped since 2025-11-01T00:00:00Z (61 days); environment=dev"
	f.path == "config.State.Name"
}

test_deny_stopped_from_history if {
	r := deny with input as instance({"environment": "dev"}, {})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:instance/i-1": "2025-12-20T00:00:00Z"}
		with data.vigil.context.now_ns as 1767225600000000000
	count(r) == 1
	some f in r
	f.msg == "instance i-1 has been stopped since 2025-12-20T00:00:00Z (12 days); environment=dev"
}

test_deny_earliest_of_history_and_api_time if {
	r := deny with input as instance({"environment": "dev"}, {"StoppedAt": "2025-12-30T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:instance/i-1": "2025-12-10T00:00:00Z"}
		with data.vigil.context.now_ns as 1767225600000000000
	some f in r
	contains(f.msg, "since 2025-12-10T00:00:00Z (22 days)")
	r2 := deny with input as instance({"environment": "dev"}, {"StoppedAt": "2025-12-10T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:instance/i-1": "2025-12-30T00:00:00Z"}
		with data.vigil.context.now_ns as 1767225600000000000
	some f2 in r2
	contains(f2.msg, "since 2025-12-10T00:00:00Z (22 days)")
}

test_deny_reapable_by_any_configured_tag if {
	r := deny with input as instance({"environment": "prod", "lifecycle": "ephemeral"}, {"StoppedAt": "2025-11-01T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev", "test"], "lifecycle": ["ephemeral"]}
	some f in r
	endswith(f.msg, "; lifecycle=ephemeral")
}

test_allow_not_reapable if {
	# prod, untagged, another key, or a value not listed.
	count(deny) == 0 with input as instance({"environment": "prod"}, {"StoppedAt": "2025-11-01T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
	count(deny) == 0 with input as instance({}, {"StoppedAt": "2025-11-01T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
	count(deny) == 0 with input as instance({"stage": "dev"}, {"StoppedAt": "2025-11-01T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
	count(deny) == 0 with input as instance({"environment": "Dev"}, {"StoppedAt": "2025-11-01T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
}

test_allow_empty_params if {
	count(deny) == 0 with input as instance({"environment": "dev"}, {"StoppedAt": "2025-11-01T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {}
	count(deny) == 0 with input as instance({"environment": "dev"}, {"StoppedAt": "2025-11-01T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": []}
}

test_allow_recently_stopped if {
	count(deny) == 0 with input as instance({"environment": "dev"}, {"StoppedAt": "2025-12-31T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.now_ns as 1767225600000000000
	count(deny) == 0 with input as instance({"environment": "dev"}, {})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:instance/i-1": "2025-12-31T00:00:00Z"}
		with data.vigil.context.now_ns as 1767225600000000000
}

test_allow_no_time_known if {
	count(deny) == 0 with input as instance({"environment": "dev"}, {})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
	count(deny) == 0 with input as instance({"environment": "dev"}, {"StoppedAt": "not a time"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
	count(deny) == 0 with input as instance({"environment": "dev"}, {})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:instance/i-2": "2025-01-01T00:00:00Z"}
}

test_malformed_history_falls_back_to_api_time if {
	count(deny) == 1 with input as instance({"environment": "dev"}, {"StoppedAt": "2025-11-01T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:instance/i-1": "yesterday"}
}

test_allow_running if {
	count(deny) == 0 with input as object.union(instance({"environment": "dev"}, {"StoppedAt": "2025-11-01T00:00:00Z"}), {"config": {"State": {"Name": "running"}}})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
}

test_idle_hours_param if {
	count(deny) == 1 with input as instance({"environment": "dev"}, {"StoppedAt": "2025-12-31T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.params.idle_hours as 12
	count(deny) == 0 with input as instance({"environment": "dev"}, {"StoppedAt": "2025-12-31T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.params.idle_hours as 48
}
