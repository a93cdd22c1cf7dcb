package vigil.rules.aws.vpc.flow_logs_enabled

test_deny_none if {
	r := deny with input as {"config": {"VpcId": "vpc-1", "FlowLogs": []}}
	r == {{"msg": "VPC vpc-1 has no flow log", "path": "config.FlowLogs"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"config": {"VpcId": "vpc-1"}}
}

test_deny_inactive_only if {
	r := deny with input as {"config": {"VpcId": "vpc-1", "FlowLogs": [{"FlowLogId": "fl-1", "FlowLogStatus": "FAILED", "TrafficType": "ALL"}]}}
	r == {{"msg": "VPC vpc-1 has no active flow log: fl-1 (FAILED)", "path": "config.FlowLogs"}}
}

test_allow_active if {
	count(deny) == 0 with input as {"config": {"VpcId": "vpc-1", "FlowLogs": [{"FlowLogId": "fl-1", "FlowLogStatus": "ACTIVE", "TrafficType": "ALL", "LogDestinationType": "s3"}]}}
}

test_allow_one_active_among_several if {
	count(deny) == 0 with input as {"config": {"VpcId": "vpc-1", "FlowLogs": [{"FlowLogId": "fl-0", "FlowLogStatus": "FAILED"}, {"FlowLogId": "fl-1", "FlowLogStatus": "ACTIVE"}]}}
}
