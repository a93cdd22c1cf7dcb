package vigil.rules.aws.rds.auto_minor_version_upgrade

instance(extra) := {"type": "AWS::RDS::DBInstance", "config": object.union({"DBInstanceIdentifier": "d", "Engine": "postgres"}, extra)}

cluster(extra) := {"type": "AWS::RDS::DBCluster", "config": object.union({"DBClusterIdentifier": "c", "Engine": "postgres"}, extra)}

test_deny_instance if {
	r := deny with input as instance({"AutoMinorVersionUpgrade": false})
	r == {{"msg": "DB instance d does not get minor engine upgrades automatically", "path": "config.AutoMinorVersionUpgrade"}}
}

test_deny_aurora_member if {
	count(deny) == 1 with input as instance({"DBClusterIdentifier": "c", "Engine": "aurora-mysql", "AutoMinorVersionUpgrade": false})
}

test_deny_multi_az_cluster if {
	r := deny with input as cluster({"AutoMinorVersionUpgrade": false})
	r == {{"msg": "DB cluster c does not get minor engine upgrades automatically", "path": "config.AutoMinorVersionUpgrade"}}
}

test_deny_instance_field_missing if {
	count(deny) == 1 with input as instance({})
}

test_allow_on if {
	count(deny) == 0 with input as instance({"AutoMinorVersionUpgrade": true})
	count(deny) == 0 with input as cluster({"AutoMinorVersionUpgrade": true})
}

test_allow_aurora_cluster_without_setting if {
	count(deny) == 0 with input as cluster({"Engine": "aurora-postgresql"})
}
