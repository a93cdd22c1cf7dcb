package vigil.rules.aws.ec2.volume_encrypted

test_deny_unencrypted if {
	count(deny) == 1 with input as {"config": {"VolumeId": "v", "Encrypted": false}}
}

test_allow_encrypted if {
	count(deny) == 0 with input as {"config": {"VolumeId": "v", "Encrypted": true}}
}
