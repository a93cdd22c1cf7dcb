package vigil.rules.aws.rds.instance_multi_az

instance(extra) := {"type": "AWS::RDS::DBInstance", "config": object.union({"DBInstanceIdentifier": "d", "Engine": "mysql"}, extra)}

test_deny_single_az if {
	r := deny with input as instance({"MultiAZ": false})
	r == {{"msg": "DB instance d (mysql) runs in a single availability zone", "path": "config.MultiAZ"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as instance({})
	count(deny) == 1 with input as {"config": {"DBInstanceIdentifier": "d"}}
}

test_allow_multi_az if {
	count(deny) == 0 with input as instance({"MultiAZ": true})
}

test_allow_aurora_and_cluster_members if {
	count(deny) == 0 with input as instance({"Engine": "aurora-mysql", "DBClusterIdentifier": "c", "MultiAZ": false})
	count(deny) == 0 with input as instance({"Engine": "postgres", "DBClusterIdentifier": "c", "MultiAZ": false})
	count(deny) == 0 with input as instance({"Engine": "aurora-postgresql", "MultiAZ": false})
}
