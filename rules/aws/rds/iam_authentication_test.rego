package vigil.rules.aws.rds.iam_authentication

instance(extra) := {"type": "AWS::RDS::DBInstance", "config": object.union({"DBInstanceIdentifier": "d", "Engine": "postgres"}, extra)}

cluster(extra) := {"type": "AWS::RDS::DBCluster", "config": object.union({"DBClusterIdentifier": "c", "Engine": "aurora-mysql"}, extra)}

test_deny_instance if {
	r := deny with input as instance({"IAMDatabaseAuthenticationEnabled": false})
	r == {{"msg": "DB instance d (postgres) does not accept IAM database authentication", "path": "config.IAMDatabaseAuthenticationEnabled"}}
}

test_deny_cluster if {
	r := deny with input as cluster({"IAMDatabaseAuthenticationEnabled": false})
	r == {{"msg": "DB cluster c (aurora-mysql) does not accept IAM database authentication", "path": "config.IAMDatabaseAuthenticationEnabled"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as instance({"Engine": "mariadb"})
	count(deny) == 1 with input as cluster({})
}

test_allow_enabled if {
	count(deny) == 0 with input as instance({"IAMDatabaseAuthenticationEnabled": true})
	count(deny) == 0 with input as cluster({"IAMDatabaseAuthenticationEnabled": true})
}

test_allow_unsupported_engine if {
	count(deny) == 0 with input as instance({"Engine": "sqlserver-se", "IAMDatabaseAuthenticationEnabled": false})
	count(deny) == 0 with input as instance({"Engine": "oracle-ee", "IAMDatabaseAuthenticationEnabled": false})
}

test_allow_engine_missing if {
	count(deny) == 0 with input as {"type": "AWS::RDS::DBInstance", "config": {"DBInstanceIdentifier": "d"}}
}

test_allow_cluster_member if {
	count(deny) == 0 with input as instance({"Engine": "aurora-postgresql", "DBClusterIdentifier": "c", "IAMDatabaseAuthenticationEnabled": false})
}
