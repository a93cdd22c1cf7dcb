package vigil.rules.aws.elasticache.at_rest_encryption

test_deny_unencrypted if {
	r := deny with input as {"name": "cache", "type": "AWS::ElastiCache::ReplicationGroup", "config": {"ReplicationGroupId": "cache", "AtRestEncryptionEnabled": false}}
	r == {{"msg": "replication group cache is not encrypted at rest", "path": "config.AtRestEncryptionEnabled"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"name": "cache", "config": {"ReplicationGroupId": "cache"}}
}

test_allow_encrypted if {
	count(deny) == 0 with input as {"name": "cache", "config": {"ReplicationGroupId": "cache", "AtRestEncryptionEnabled": true}}
}
