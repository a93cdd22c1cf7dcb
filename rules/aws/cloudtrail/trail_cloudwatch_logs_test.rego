package vigil.rules.aws.cloudtrail.trail_cloudwatch_logs

# 2026-01-01T00:00:00Z
now := 1767225600000000000

ctx := {"now": "2026-01-01T00:00:00Z", "now_ns": now, "params": {}}

trail(delivery) := {"type": "AWS::CloudTrail::Trail", "config": {
	"Name": "t", "CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:1:log-group:ct:*",
	"Status": {"IsLogging": true, "LatestCloudWatchLogsDeliveryTime": delivery},
}}

test_deny_no_group if {
	r := deny with input as {"config": {"Name": "t", "Status": {"IsLogging": true}}} with data.vigil.context as ctx
	r == {{"msg": "trail t is not integrated with CloudWatch Logs", "path": "config.CloudWatchLogsLogGroupArn"}}
}

test_deny_never_delivered if {
	r := deny with input as {"config": {"Name": "t", "CloudWatchLogsLogGroupArn": "arn", "Status": {"IsLogging": true}}} with data.vigil.context as ctx
	r == {{"msg": "trail t has never delivered to CloudWatch Logs", "path": "config.Status.LatestCloudWatchLogsDeliveryTime"}}
}

test_deny_status_missing if {
	count(deny) == 1 with input as {"config": {"Name": "t", "CloudWatchLogsLogGroupArn": "arn"}} with data.vigil.context as ctx
}

test_deny_stale_delivery if {
	r := deny with input as trail("2025-12-29T00:00:00Z") with data.vigil.context as ctx
	r == {{"msg": "trail t has not delivered to CloudWatch Logs in the last 24 hours (last delivery 2025-12-29T00:00:00Z)", "path": "config.Status.LatestCloudWatchLogsDeliveryTime"}}
}

test_deny_just_over_a_day if {
	count(deny) == 1 with input as trail("2025-12-30T23:59:59Z") with data.vigil.context as ctx
}

test_allow_recent if {
	count(deny) == 0 with input as trail("2025-12-31T20:00:00Z") with data.vigil.context as ctx
}

test_allow_exactly_a_day if {
	count(deny) == 0 with input as trail("2025-12-31T00:00:00Z") with data.vigil.context as ctx
}
