package vigil.rules.aws.dynamodb.table_pitr_enabled

test_deny_disabled if {
	r := deny with input as {"name": "orders", "type": "AWS::DynamoDB::Table", "config": {"TableName": "orders", "PointInTimeRecoveryStatus": "DISABLED"}}
	r == {{"msg": "table orders has point-in-time recovery off (status DISABLED)", "path": "config.PointInTimeRecoveryStatus"}}
}

test_deny_field_missing if {
	r := deny with input as {"name": "orders", "config": {"TableName": "orders"}}
	r == {{"msg": "table orders has point-in-time recovery off (status unknown)", "path": "config.PointInTimeRecoveryStatus"}}
}

test_allow_enabled if {
	count(deny) == 0 with input as {"name": "orders", "config": {"TableName": "orders", "PointInTimeRecoveryStatus": "ENABLED"}}
}
