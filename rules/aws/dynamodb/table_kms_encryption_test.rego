package vigil.rules.aws.dynamodb.table_kms_encryption

test_deny_owned_key if {
	r := deny with input as {"name": "orders", "type": "AWS::DynamoDB::Table", "config": {"TableName": "orders", "DeletionProtectionEnabled": true}}
	r == {{"msg": "table orders is encrypted with a key DynamoDB owns, not a KMS key", "path": "config.SSEDescription"}}
}

test_deny_kms_disabled if {
	r := deny with input as {"name": "orders", "config": {"TableName": "orders", "SSEDescription": {"Status": "DISABLED", "SSEType": "KMS"}}}
	r == {{"msg": "table orders is not encrypted with a KMS key (SSE type KMS, status DISABLED)", "path": "config.SSEDescription"}}
}

test_deny_no_type if {
	count(deny) == 1 with input as {"name": "orders", "config": {"TableName": "orders", "SSEDescription": {"Status": "ENABLED"}}}
}

test_allow_kms_enabled if {
	count(deny) == 0 with input as {"name": "orders", "config": {"TableName": "orders", "SSEDescription": {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k"}}}
}

test_allow_kms_updating if {
	count(deny) == 0 with input as {"name": "orders", "config": {"TableName": "orders", "SSEDescription": {"Status": "UPDATING", "SSEType": "KMS"}}}
}
