package vigil.rules.aws.s3.bucket_default_kms_encryption

test_deny_none if {
	r := deny with input as {"config": {"Name": "b"}}
	count(r) == 1
	some f in r
	contains(f.msg, "no default encryption")
}

test_deny_sse_s3 if {
	r := deny with input as {"config": {"Name": "b", "ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}}}
	some f in r
	contains(f.msg, "SSE-S3")
}

test_allow_kms if {
	count(deny) == 0 with input as {"config": {"Name": "b", "ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "k"}}]}}}
}
