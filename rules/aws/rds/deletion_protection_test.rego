package vigil.rules.aws.rds.deletion_protection

instance(extra) := {"type": "AWS::RDS::DBInstance", "config": object.union({"DBInstanceIdentifier": "d", "Engine": "postgres"}, extra)}

cluster(extra) := {"type": "AWS::RDS::DBCluster", "config": object.union({"DBClusterIdentifier": "c", "Engine": "aurora-postgresql"}, extra)}

test_deny_instance if {
	r := deny with input as instance({"DeletionProtection": false})
	r == {{"msg": "DB instance d has deletion protection off", "path": "config.DeletionProtection"}}
}

test_deny_cluster if {
	r := deny with input as cluster({"DeletionProtection": false})
	r == {{"msg": "DB cluster c has deletion protection off", "path": "config.DeletionProtection"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as instance({})
	count(deny) == 1 with input as cluster({})
}

test_allow_on if {
	count(deny) == 0 with input as instance({"DeletionProtection": true})
	count(deny) == 0 with input as cluster({"DeletionProtection": true})
}

test_allow_cluster_member if {
	count(deny) == 0 with input as instance({"DBClusterIdentifier": "c", "DeletionProtection": false})
}
