package vigil.rules.aws.idle.volume_unattached

# Scan time 2026-01-01T00:00:00Z, idle_hours 72 (the defaults of the test runner, set
# explicitly where a test depends on them).

volume(tags, config) := {
	"id": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "type": "AWS::EC2::Volume",
	"tags": tags,
	"config": object.union({"VolumeId": "vol-1", "Size": 8, "State": "available"}, config),
}

test_deny_unattached_from_history if {
	r := deny with input as volume({"environment": "dev"}, {"CreateTime": "2025-12-31T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:volume/vol-1": "2025-12-20T00:00:00Z"}
		with data.vigil.context.now_ns as 1767225600000000000
	count(r) == 1
	some f in r
	f.msg == "volume vol-1 (8 GiB) has been unattached since 2025-12-20T00:00:00Z (12 days); environment=dev"
	f.path == "config.State"
}

test_deny_without_history_falls_back_to_creation_time if {
	r := deny with input as volume({"environment": "dev"}, {"CreateTime": "2025-10-01T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.now_ns as 1767225600000000000
	count(r) == 1
	some f in r
	f.msg == "volume vol-1 (8 GiB) has been unattached since 2025-10-01T00:00:00Z (92 days); environment=dev"
}

test_history_wins_over_creation_time if {
	# History is the idle time: a volume created long ago but seen unattached only recently
	# is not reported yet, and one created recently is reported after its history time.
	count(deny) == 0 with input as volume({"environment": "dev"}, {"CreateTime": "2025-01-01T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:volume/vol-1": "2025-12-31T00:00:00Z"}
	r := deny with input as volume({"environment": "dev"}, {"CreateTime": "2025-12-31T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:volume/vol-1": "2025-12-01T00:00:00Z"}
	some f in r
	contains(f.msg, "since 2025-12-01T00:00:00Z (31 days)")
}

test_malformed_history_falls_back_to_creation_time if {
	count(deny) == 1 with input as volume({"environment": "dev"}, {"CreateTime": "2025-10-01T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:volume/vol-1": "not a time"}
}

test_allow_not_reapable if {
	count(deny) == 0 with input as volume({"environment": "prod"}, {"CreateTime": "2025-10-01T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
	count(deny) == 0 with input as volume({}, {"CreateTime": "2025-10-01T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
}

test_allow_empty_params if {
	count(deny) == 0 with input as volume({"environment": "dev"}, {"CreateTime": "2025-10-01T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {}
}

test_allow_in_use if {
	count(deny) == 0 with input as volume({"environment": "dev"}, {"State": "in-use", "CreateTime": "2025-10-01T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
}

test_allow_new if {
	count(deny) == 0 with input as volume({"environment": "dev"}, {"CreateTime": "2025-12-31T12:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.now_ns as 1767225600000000000
	count(deny) == 0 with input as volume({"environment": "dev"}, {"CreateTime": "2025-10-01T00:00:00Z"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:volume/vol-1": "2025-12-31T12:00:00Z"}
		with data.vigil.context.now_ns as 1767225600000000000
}

test_allow_no_time_known if {
	count(deny) == 0 with input as volume({"environment": "dev"}, {})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
	count(deny) == 0 with input as volume({"environment": "dev"}, {"CreateTime": "last week"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
}
