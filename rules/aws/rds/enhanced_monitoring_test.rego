package vigil.rules.aws.rds.enhanced_monitoring

instance(extra) := {"type": "AWS::RDS::DBInstance", "config": object.union({"DBInstanceIdentifier": "d", "Engine": "postgres"}, extra)}

test_deny_off if {
	r := deny with input as instance({"MonitoringInterval": 0})
	r == {{"msg": "DB instance d has enhanced monitoring off", "path": "config.MonitoringInterval"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as instance({})
}

test_allow_on if {
	count(deny) == 0 with input as instance({"MonitoringInterval": 60})
	count(deny) == 0 with input as instance({"MonitoringInterval": 1, "DBClusterIdentifier": "c", "Engine": "aurora-mysql"})
}
