package vigil.rules.aws.vpc.flow_logs_enabled

test_deny_none if {
	count(deny) == 1 with input as {"config": {"VpcId": "vpc-1", "FlowLogs": []}}
}

test_allow_active if {
	count(deny) == 0 with input as {"config": {"VpcId": "vpc-1", "FlowLogs": [{"FlowLogStatus": "ACTIVE"}]}}
}
