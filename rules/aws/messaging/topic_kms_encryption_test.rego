package vigil.rules.aws.messaging.topic_kms_encryption

test_deny_no_key if {
	r := deny with input as {"name": "alerts", "type": "AWS::SNS::Topic", "config": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:alerts", "FifoTopic": false}}
	r == {{"msg": "topic alerts is not encrypted at rest (no KmsMasterKeyId)", "path": "config.KmsMasterKeyId"}}
}

test_deny_empty_key if {
	count(deny) == 1 with input as {"name": "alerts", "config": {"KmsMasterKeyId": ""}}
}

test_allow_kms_key if {
	count(deny) == 0 with input as {"name": "alerts", "config": {"KmsMasterKeyId": "alias/aws/sns"}}
}
