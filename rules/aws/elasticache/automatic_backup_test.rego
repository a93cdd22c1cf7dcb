package vigil.rules.aws.elasticache.automatic_backup

test_deny_zero_retention if {
	r := deny with input as {"name": "cache", "type": "AWS::ElastiCache::ReplicationGroup", "config": {"ReplicationGroupId": "cache", "SnapshotRetentionLimit": 0}}
	r == {{"msg": "replication group cache has automatic backups off (SnapshotRetentionLimit 0)", "path": "config.SnapshotRetentionLimit"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"name": "cache", "config": {"ReplicationGroupId": "cache"}}
}

test_allow_backups if {
	count(deny) == 0 with input as {"name": "cache", "config": {"ReplicationGroupId": "cache", "SnapshotRetentionLimit": 7}}
}
