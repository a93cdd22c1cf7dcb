package vigil.rules.aws.cloudtrail.trail_kms_encryption

test_deny_no_key if {
	r := deny with input as {"config": {"Name": "t", "S3BucketName": "logs"}}
	r == {{"msg": "trail t does not encrypt its logs with SSE-KMS (no KmsKeyId)", "path": "config.KmsKeyId"}}
}

test_deny_empty_key if {
	count(deny) == 1 with input as {"config": {"Name": "t", "KmsKeyId": ""}}
}

test_allow_key if {
	count(deny) == 0 with input as {"config": {"Name": "t", "KmsKeyId": "arn:aws:kms:us-east-1:1:key/k"}}
}
