package vigil.rules.aws.rds.cluster_storage_encrypted

test_deny_unencrypted if {
	r := deny with input as {"type": "AWS::RDS::DBCluster", "config": {"DBClusterIdentifier": "c", "Engine": "aurora-postgresql", "StorageEncrypted": false}}
	r == {{"msg": "DB cluster c (aurora-postgresql) is not encrypted at rest", "path": "config.StorageEncrypted"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"type": "AWS::RDS::DBCluster", "config": {"DBClusterIdentifier": "c"}}
}

test_allow_encrypted if {
	count(deny) == 0 with input as {"type": "AWS::RDS::DBCluster", "config": {"DBClusterIdentifier": "c", "Engine": "aurora-postgresql", "StorageEncrypted": true, "KmsKeyId": "arn:aws:kms:us-east-1:1:key/k"}}
}
