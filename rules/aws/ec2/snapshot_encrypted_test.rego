package vigil.rules.aws.ec2.snapshot_encrypted

test_deny_unencrypted if {
	r := deny with input as {"id": "s", "config": {"SnapshotId": "snap-1", "VolumeId": "vol-1", "Encrypted": false}}
	r == {{"msg": "snapshot snap-1 (of volume vol-1) is not encrypted", "path": "config.Encrypted"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"id": "s", "config": {"SnapshotId": "snap-1", "VolumeId": "vol-1"}}
}

test_allow_encrypted if {
	count(deny) == 0 with input as {"id": "s", "config": {"SnapshotId": "snap-1", "VolumeId": "vol-1", "Encrypted": true, "KmsKeyId": "k"}}
}
