package vigil.rules.aws.rds.instance_storage_encrypted

test_deny_unencrypted if {
	count(deny) == 1 with input as {"config": {"DBInstanceIdentifier": "d", "StorageEncrypted": false}}
}

test_allow_encrypted if {
	count(deny) == 0 with input as {"config": {"DBInstanceIdentifier": "d", "StorageEncrypted": true}}
}
