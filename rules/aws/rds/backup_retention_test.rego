package vigil.rules.aws.rds.backup_retention

instance(extra) := {"type": "AWS::RDS::DBInstance", "config": object.union({"DBInstanceIdentifier": "d", "Engine": "postgres"}, extra)}

cluster(extra) := {"type": "AWS::RDS::DBCluster", "config": object.union({"DBClusterIdentifier": "c", "Engine": "aurora-postgresql"}, extra)}

test_deny_backups_off if {
	r := deny with input as instance({"BackupRetentionPeriod": 0})
	r == {{"msg": "DB instance d has automated backups off", "path": "config.BackupRetentionPeriod"}}
}

test_deny_short_retention if {
	r := deny with input as cluster({"BackupRetentionPeriod": 1})
	r == {{"msg": "DB cluster c keeps automated backups for 1 days, fewer than 7", "path": "config.BackupRetentionPeriod"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as instance({})
}

test_deny_param if {
	count(deny) == 1 with input as instance({"BackupRetentionPeriod": 14})
		with data.vigil.context.params.rds_backup_retention_days as 30
}

test_allow_retention if {
	count(deny) == 0 with input as instance({"BackupRetentionPeriod": 7})
	count(deny) == 0 with input as cluster({"BackupRetentionPeriod": 35})
}

test_allow_cluster_member if {
	count(deny) == 0 with input as instance({"DBClusterIdentifier": "c", "BackupRetentionPeriod": 0})
}
