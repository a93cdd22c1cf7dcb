package vigil.rules.aws.guards.securityhub_enabled

test_deny_not_subscribed if {
	r := deny with input as {"region": "eu-west-1", "type": "AWS::SecurityHub::Hub", "config": {"Enabled": false}}
	r == {{"msg": "Security Hub is not enabled in eu-west-1", "path": "config.Enabled"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"region": "eu-west-1", "config": {}}
}

test_allow_enabled if {
	count(deny) == 0 with input as {"region": "eu-west-1", "config": {"Enabled": true, "HubArn": "arn:aws:securityhub:eu-west-1:1:hub/default", "SubscribedAt": "2025-01-01T00:00:00Z"}}
}
