package vigil.rules.aws.ec2.snapshot_encrypted

test_deny_unencrypted if {
	count(deny) == 1 with input as {"config": {"SnapshotId": "s", "Encrypted": false}}
}

test_allow_encrypted if {
	count(deny) == 0 with input as {"config": {"SnapshotId": "s", "Encrypted": true}}
}
