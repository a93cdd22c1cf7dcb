package vigil.rules.aws.rds.log_exports

instance(extra) := {"type": "AWS::RDS::DBInstance", "config": object.union({"DBInstanceIdentifier": "d", "Engine": "postgres"}, extra)}

cluster(extra) := {"type": "AWS::RDS::DBCluster", "config": object.union({"DBClusterIdentifier": "c", "Engine": "aurora-mysql"}, extra)}

test_deny_instance if {
	r := deny with input as instance({"EnabledCloudwatchLogsExports": []})
	r == {{"msg": "DB instance d (postgres) exports no logs to CloudWatch Logs", "path": "config.EnabledCloudwatchLogsExports"}}
}

test_deny_cluster if {
	r := deny with input as cluster({"EnabledCloudwatchLogsExports": []})
	r == {{"msg": "DB cluster c (aurora-mysql) exports no logs to CloudWatch Logs", "path": "config.EnabledCloudwatchLogsExports"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as instance({})
	count(deny) == 1 with input as cluster({})
}

test_allow_exports if {
	count(deny) == 0 with input as instance({"EnabledCloudwatchLogsExports": ["postgresql", "upgrade"]})
	count(deny) == 0 with input as cluster({"EnabledCloudwatchLogsExports": ["audit"]})
}

test_allow_cluster_member if {
	count(deny) == 0 with input as instance({"DBClusterIdentifier": "c", "EnabledCloudwatchLogsExports": []})
}
