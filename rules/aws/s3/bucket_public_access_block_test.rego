package vigil.rules.aws.s3.bucket_public_access_block

test_deny_missing if {
	count(deny) == 1 with input as {"config": {"Name": "b"}}
}

test_deny_partial if {
	r := deny with input as {"config": {"Name": "b", "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": false, "RestrictPublicBuckets": true}}}
	some f in r
	contains(f.msg, "BlockPublicPolicy")
}

test_allow_all_on if {
	count(deny) == 0 with input as {"config": {"Name": "b", "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}}
}
