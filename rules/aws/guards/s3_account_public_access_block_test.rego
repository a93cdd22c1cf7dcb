package vigil.rules.aws.guards.s3_account_public_access_block

all_on := {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}

test_deny_one_off if {
	r := deny with input as {"account": "123456789012", "type": "AWS::S3::AccountPublicAccessBlock", "config": object.union(all_on, {"BlockPublicPolicy": false})}
	r == {{"msg": "account 123456789012 S3 public access block has BlockPublicPolicy off", "path": "config.BlockPublicPolicy"}}
}

test_deny_none if {
	count(deny) == 4 with input as {"account": "123456789012", "config": {"BlockPublicAcls": false, "IgnorePublicAcls": false, "BlockPublicPolicy": false, "RestrictPublicBuckets": false}}
}

test_deny_fields_missing if {
	r := deny with input as {"account": "123456789012", "config": {"BlockPublicAcls": true, "IgnorePublicAcls": true}}
	{f.path | some f in r} == {"config.BlockPublicPolicy", "config.RestrictPublicBuckets"}
	count(deny) == 4 with input as {"account": "123456789012", "config": {}}
}

test_allow_all_on if {
	count(deny) == 0 with input as {"account": "123456789012", "config": all_on}
}

test_deny_without_account_before_deploy if {
	r := deny with input as {"config": object.union(all_on, {"RestrictPublicBuckets": false})}
	r == {{"msg": "account (the one it deploys to) S3 public access block has RestrictPublicBuckets off", "path": "config.RestrictPublicBuckets"}}
}
