package vigil.rules.aws.s3.bucket_public_access_block

all_on := {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}

test_deny_missing if {
	r := deny with input as {"config": {"Name": "b"}}
	count(r) == 1
	some f in r
	f.path == "config.PublicAccessBlockConfiguration"
	contains(f.msg, "no public access block")
}

test_deny_one_flag_off if {
	r := deny with input as {"config": {"Name": "b", "PublicAccessBlockConfiguration": object.union(all_on, {"BlockPublicPolicy": false})}}
	count(r) == 1
	some f in r
	f.path == "config.PublicAccessBlockConfiguration.BlockPublicPolicy"
	contains(f.msg, "BlockPublicPolicy off")
}

test_deny_all_flags_off if {
	count(deny) == 4 with input as {"config": {"Name": "b", "PublicAccessBlockConfiguration": {"BlockPublicAcls": false, "IgnorePublicAcls": false, "BlockPublicPolicy": false, "RestrictPublicBuckets": false}}}
}

test_deny_flag_missing if {
	r := deny with input as {"config": {"Name": "b", "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true}}}
	count(r) == 1
	some f in r
	f.path == "config.PublicAccessBlockConfiguration.RestrictPublicBuckets"
}

test_allow_all_on if {
	count(deny) == 0 with input as {"config": {"Name": "b", "PublicAccessBlockConfiguration": all_on}}
}
