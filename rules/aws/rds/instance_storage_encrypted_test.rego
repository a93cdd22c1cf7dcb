package vigil.rules.aws.rds.instance_storage_encrypted

test_deny_unencrypted if {
	r := deny with input as {"type": "AWS::RDS::DBInstance", "config": {"DBInstanceIdentifier": "d", "Engine": "postgres", "StorageEncrypted": false}}
	r == {{"msg": "DB instance d (postgres) is not encrypted at rest", "path": "config.StorageEncrypted"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"config": {"DBInstanceIdentifier": "d"}}
}

test_allow_encrypted if {
	count(deny) == 0 with input as {"config": {"DBInstanceIdentifier": "d", "Engine": "postgres", "StorageEncrypted": true, "KmsKeyId": "arn:aws:kms:us-east-1:1:key/k"}}
}
