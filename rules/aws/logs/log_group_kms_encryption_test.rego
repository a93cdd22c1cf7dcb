package vigil.rules.aws.logs.log_group_kms_encryption

test_deny_no_key if {
	r := deny with input as {"name": "/app/web", "type": "AWS::Logs::LogGroup", "config": {"LogGroupName": "/app/web", "RetentionInDays": 365}}
	r == {{"msg": "log group /app/web is not encrypted with a KMS key (no KmsKeyId)", "path": "config.KmsKeyId"}}
}

test_deny_empty_key if {
	count(deny) == 1 with input as {"name": "/app/web", "config": {"LogGroupName": "/app/web", "KmsKeyId": ""}}
}

test_allow_kms_key if {
	count(deny) == 0 with input as {"name": "/app/web", "config": {"LogGroupName": "/app/web", "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}
}
