package vigil.lib.idle

# Scan time 2026-01-01T00:00:00Z (the test runner's default, set explicitly here).

test_timestamp_ns_guards_malformed_times if {
	timestamp_ns("2025-12-01T00:00:00Z") == 1764547200000000000
	timestamp_ns("2025-12-01T01:00:00+01:00") == 1764547200000000000
	timestamp_ns("2025-12-01t00:00:00.5z") == 1764547200500000000
	not timestamp_ns("2025-12-01")
	not timestamp_ns("yesterday")
	not timestamp_ns(null)
	not timestamp_ns(1764547200)
}

test_earliest if {
	earliest(["2025-12-02T00:00:00Z", "2025-12-01T00:00:00+00:00", "bad", 7, null]) == "2025-12-01T00:00:00+00:00"
	earliest({"2025-12-02T00:00:00Z", "2025-12-03T00:00:00Z"}) == "2025-12-02T00:00:00Z"
	not earliest(["bad", null])
	not earliest([])
}

test_older_than_hours_and_days_since if {
	older_than_hours("2025-12-01T00:00:00Z", 72) with data.vigil.context.now_ns as 1767225600000000000
	not older_than_hours("2025-12-31T00:00:00Z", 72) with data.vigil.context.now_ns as 1767225600000000000
	not older_than_hours("garbage", 72) with data.vigil.context.now_ns as 1767225600000000000
	days_since("2025-12-01T00:00:00Z") == 31 with data.vigil.context.now_ns as 1767225600000000000
	not days_since("garbage") with data.vigil.context.now_ns as 1767225600000000000
}

test_past_idle_hours_reads_the_parameter if {
	past_idle_hours("2025-12-31T00:00:00Z") with data.vigil.context.params.idle_hours as 12 with data.vigil.context.now_ns as 1767225600000000000
	not past_idle_hours("2025-12-31T00:00:00Z") with data.vigil.context.params.idle_hours as 48 with data.vigil.context.now_ns as 1767225600000000000
}

test_since_is_the_earliest_of_history_and_api_times if {
	r := {"id": "arn:aws:ec2:us-east-1:1:volume/vol-1"}
	since(r, ["2025-12-10T00:00:00Z"]) == "2025-12-05T00:00:00Z" with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:1:volume/vol-1": "2025-12-05T00:00:00Z"}
	since(r, ["2025-12-01T00:00:00Z", null]) == "2025-12-01T00:00:00Z" with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:1:volume/vol-1": "2025-12-05T00:00:00Z"}
	since(r, []) == "2025-12-05T00:00:00Z" with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:1:volume/vol-1": "2025-12-05T00:00:00Z"}
	since(r, ["2025-12-10T00:00:00Z"]) == "2025-12-10T00:00:00Z" with data.vigil.context.idle_since as {}
	since(r, ["2025-12-10T00:00:00Z"]) == "2025-12-10T00:00:00Z" with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:1:volume/vol-1": "not a time"}
}

test_since_undefined_without_any_time if {
	r := {"id": "arn:aws:ec2:us-east-1:1:volume/vol-1"}
	not since(r, []) with data.vigil.context.idle_since as {}
	not since(r, [null, "bad"]) with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:1:volume/vol-2": "2025-12-05T00:00:00Z"}
	not since({}, []) with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:1:volume/vol-1": "2025-12-05T00:00:00Z"}
}

test_match if {
	match({"environment": "dev"}, {"environment": ["dev"]}) == "environment=dev"
	match({"environment": "test", "owner": "a"}, {"environment": ["dev", "test"]}) == "environment=test"
	match({"environment": "dev"}, {"environment": "dev"}) == "environment=dev"
	match({"environment": "prod", "lifecycle": "tmp"}, {"environment": ["dev"], "lifecycle": ["tmp"]}) == "lifecycle=tmp"
}

test_match_takes_the_first_key_when_several_match if {
	match({"environment": "dev", "lifecycle": "tmp"}, {"lifecycle": ["tmp"], "environment": ["dev"]}) == "environment=dev"
}

test_no_match if {
	not match({"environment": "prod"}, {"environment": ["dev"]})
	not match({"environment": "Dev"}, {"environment": ["dev"]})
	not match({"stage": "dev"}, {"environment": ["dev"]})
	not match({}, {"environment": ["dev"]})
	not match({"environment": "dev"}, {})
	not match({"environment": "dev"}, {"environment": []})
	not match({"environment": "dev"}, {"environment": 1})
	not match(null, {"environment": ["dev"]})
	not match({"environment": "dev"}, null)
}

test_since_or_prefers_history if {
	r := {"id": "x"}
	since_or(r, ["2025-01-01T00:00:00Z"]) == "2025-12-30T00:00:00Z" with data.vigil.context.idle_since as {"x": "2025-12-30T00:00:00Z"}
	since_or(r, ["2025-01-01T00:00:00Z", "2024-06-01T00:00:00Z"]) == "2024-06-01T00:00:00Z" with data.vigil.context.idle_since as {}
	since_or(r, ["2025-01-01T00:00:00Z"]) == "2025-01-01T00:00:00Z" with data.vigil.context.idle_since as {"x": "not a time"}
	not since_or(r, []) with data.vigil.context.idle_since as {}
}
