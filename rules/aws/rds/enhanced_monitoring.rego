# METADATA
# title: RDS DB instance enhanced monitoring is off
# description: "DB instances (Aurora members included: the setting is per instance) must have Enhanced Monitoring on (MonitoringInterval above 0); a missing MonitoringInterval fails."
# custom:
#   id: RDS-AWS-009
#   severity: low
#   controls: [AU-12(3), AU-14, CA-2(2), CA-7, PM-14, PM-31, SC-36(1), SI-2]
#   resource_types: ["AWS::RDS::DBInstance"]
#   remediation: aws rds modify-db-instance --db-instance-identifier <db> --monitoring-interval 60 --monitoring-role-arn <rds-monitoring-role ARN>.
package vigil.rules.aws.rds.enhanced_monitoring

deny contains {"msg": msg, "path": "config.MonitoringInterval"} if {
	object.get(input.config, "MonitoringInterval", 0) <= 0
	msg := sprintf("DB instance %s has enhanced monitoring off", [input.config.DBInstanceIdentifier])
}
