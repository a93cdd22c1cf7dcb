package vigil.rules.aws.cloudtrail.trail_kms_encryption

test_deny_no_key if {
	count(deny) == 1 with input as {"config": {"Name": "t"}}
}

test_allow_key if {
	count(deny) == 0 with input as {"config": {"Name": "t", "KmsKeyId": "arn:aws:kms:us-east-1:1:key/k"}}
}
