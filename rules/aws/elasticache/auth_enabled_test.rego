package vigil.rules.aws.elasticache.auth_enabled

test_deny_no_auth if {
	r := deny with input as {"name": "cache", "type": "AWS::ElastiCache::ReplicationGroup", "config": {"ReplicationGroupId": "cache", "AuthTokenEnabled": false, "UserGroupIds": []}}
	r == {{"msg": "replication group cache requires no authentication (no AUTH token, no RBAC user group)", "path": "config.AuthTokenEnabled"}}
}

test_deny_fields_missing if {
	count(deny) == 1 with input as {"name": "cache", "config": {"ReplicationGroupId": "cache"}}
}

test_allow_auth_token if {
	count(deny) == 0 with input as {"name": "cache", "config": {"ReplicationGroupId": "cache", "AuthTokenEnabled": true, "UserGroupIds": []}}
}

test_allow_user_group if {
	count(deny) == 0 with input as {"name": "cache", "config": {"ReplicationGroupId": "cache", "AuthTokenEnabled": false, "UserGroupIds": ["app-users"]}}
}
