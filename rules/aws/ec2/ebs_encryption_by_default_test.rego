package vigil.rules.aws.ec2.ebs_encryption_by_default

test_deny_off if {
	r := deny with input as {"region": "eu-west-1", "config": {"EbsEncryptionByDefault": false}}
	r == {{"msg": "EBS encryption by default is off in eu-west-1", "path": "config.EbsEncryptionByDefault"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"region": "eu-west-1", "config": {}}
}

test_allow_on if {
	count(deny) == 0 with input as {"region": "eu-west-1", "config": {"EbsEncryptionByDefault": true, "KmsKeyId": "alias/aws/ebs"}}
}
