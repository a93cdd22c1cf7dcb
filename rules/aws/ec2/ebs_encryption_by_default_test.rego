package vigil.rules.aws.ec2.ebs_encryption_by_default

test_deny_off if {
	count(deny) == 1 with input as {"region": "us-east-1", "config": {"EbsEncryptionByDefault": false}}
}

test_allow_on if {
	count(deny) == 0 with input as {"region": "us-east-1", "config": {"EbsEncryptionByDefault": true}}
}
