package vigil.rules.aws.s3.bucket_default_kms_encryption

bucket(rules) := {"type": "AWS::S3::Bucket", "config": {"Name": "b", "ServerSideEncryptionConfiguration": {"Rules": rules}}}

test_deny_no_encryption_config if {
	r := deny with input as {"config": {"Name": "b"}}
	count(r) == 1
	some f in r
	contains(f.msg, "no default encryption")
	f.path == "config.ServerSideEncryptionConfiguration"
}

test_deny_empty_rules if {
	r := deny with input as bucket([])
	count(r) == 1
	some f in r
	contains(f.msg, "no default encryption")
}

test_deny_sse_s3_only if {
	r := deny with input as bucket([{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}])
	count(r) == 1
	some f in r
	contains(f.msg, "only uses SSE-S3")
	contains(f.msg, "AES256")
	f.path == "config.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm"
}

test_allow_kms if {
	count(deny) == 0 with input as bucket([{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "k"}, "BucketKeyEnabled": true}])
}

test_allow_kms_dsse if {
	count(deny) == 0 with input as bucket([{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms:dsse"}}])
}

test_allow_kms_among_several_rules if {
	count(deny) == 0 with input as bucket([
		{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}},
		{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}},
	])
}
