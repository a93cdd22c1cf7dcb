package vigil.rules.aws.elasticache.in_transit_encryption

test_deny_plaintext if {
	r := deny with input as {"name": "cache", "type": "AWS::ElastiCache::ReplicationGroup", "config": {"ReplicationGroupId": "cache", "TransitEncryptionEnabled": false}}
	r == {{"msg": "replication group cache is not encrypted in transit", "path": "config.TransitEncryptionEnabled"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"name": "cache", "config": {"ReplicationGroupId": "cache"}}
}

test_allow_tls if {
	count(deny) == 0 with input as {"name": "cache", "config": {"ReplicationGroupId": "cache", "TransitEncryptionEnabled": true}}
}
