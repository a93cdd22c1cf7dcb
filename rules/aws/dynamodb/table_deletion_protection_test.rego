package vigil.rules.aws.dynamodb.table_deletion_protection

test_deny_off if {
	r := deny with input as {"name": "orders", "type": "AWS::DynamoDB::Table", "config": {"TableName": "orders", "DeletionProtectionEnabled": false}}
	r == {{"msg": "table orders has deletion protection off", "path": "config.DeletionProtectionEnabled"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"name": "orders", "config": {"TableName": "orders"}}
}

test_allow_on if {
	count(deny) == 0 with input as {"name": "orders", "config": {"TableName": "orders", "DeletionProtectionEnabled": true}}
}
