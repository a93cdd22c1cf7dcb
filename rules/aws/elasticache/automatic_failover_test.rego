package vigil.rules.aws.elasticache.automatic_failover

test_deny_disabled if {
	r := deny with input as {"name": "cache", "type": "AWS::ElastiCache::ReplicationGroup", "config": {"ReplicationGroupId": "cache", "AutomaticFailover": "disabled"}}
	r == {{"msg": "replication group cache has automatic failover off (disabled)", "path": "config.AutomaticFailover"}}
}

test_deny_field_missing if {
	r := deny with input as {"name": "cache", "config": {"ReplicationGroupId": "cache"}}
	r == {{"msg": "replication group cache has automatic failover off (unknown)", "path": "config.AutomaticFailover"}}
}

test_allow_enabled if {
	count(deny) == 0 with input as {"name": "cache", "config": {"ReplicationGroupId": "cache", "AutomaticFailover": "enabled", "MultiAZ": "enabled"}}
}
