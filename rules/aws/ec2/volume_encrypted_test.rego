package vigil.rules.aws.ec2.volume_encrypted

test_deny_unencrypted if {
	r := deny with input as {"id": "arn:aws:ec2:us-east-1:1:volume/vol-1", "config": {"VolumeId": "vol-1", "Encrypted": false}}
	r == {{"msg": "volume vol-1 is not encrypted", "path": "config.Encrypted"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"id": "arn:aws:ec2:us-east-1:1:volume/vol-1", "config": {"VolumeId": "vol-1"}}
}

test_allow_encrypted if {
	count(deny) == 0 with input as {"id": "arn:aws:ec2:us-east-1:1:volume/vol-1", "config": {"VolumeId": "vol-1", "Encrypted": true, "KmsKeyId": "k"}}
}
