package vigil.rules.aws.cloudtrail.trail_cloudwatch_logs

now := 1767225600000000000

test_deny_no_group if {
	count(deny) == 1 with input as {"config": {"Name": "t", "Status": {}}} with data.vigil.context.now_ns as now
}

test_deny_stale_delivery if {
	r := deny with input as {"config": {"Name": "t", "CloudWatchLogsLogGroupArn": "arn", "Status": {"LatestCloudWatchLogsDeliveryTime": "2025-12-29T00:00:00Z"}}}
		with data.vigil.context.now_ns as now
	some f in r
	contains(f.msg, "24 hours")
}

test_allow_recent if {
	count(deny) == 0 with input as {"config": {"Name": "t", "CloudWatchLogsLogGroupArn": "arn", "Status": {"LatestCloudWatchLogsDeliveryTime": "2025-12-31T20:00:00Z"}}}
		with data.vigil.context.now_ns as now
}
