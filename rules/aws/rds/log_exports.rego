# METADATA
# title: RDS database exports no logs to CloudWatch Logs
# description: "DB clusters and standalone DB instances must export at least one log type to CloudWatch Logs (EnabledCloudwatchLogsExports not empty); a missing field fails. Instances that belong to a cluster are skipped: the cluster's exports apply."
# custom:
#   id: RDS-AWS-008
#   severity: medium
#   controls: [AC-2(4), AC-3(10), AC-4(26), AC-6(9), AU-2, AU-3, AU-6(3), AU-6(4), AU-6(6), AU-6(9), AU-8, AU-10, AU-12, AU-12(1), AU-12(2), AU-12(3), AU-12(4), AU-14, AU-14(3), CA-7, CM-5(1), IA-3(3), MA-4(1), PM-14, PM-31, SC-7(9), SI-3(8), SI-4(2), SI-4(17), SI-4(20), SI-7(8), SI-10(1)]
#   resource_types: ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"]
#   remediation: "Export the engine's logs, e.g. aws rds modify-db-instance --db-instance-identifier <db> --cloudwatch-logs-export-configuration '{\"EnableLogTypes\":[\"postgresql\"]}' (audit/error/general/slowquery for MySQL and MariaDB; aws rds modify-db-cluster for a cluster)."
package vigil.rules.aws.rds.log_exports

deny contains {"msg": msg, "path": "config.EnabledCloudwatchLogsExports"} if {
	input.type == "AWS::RDS::DBInstance"
	not input.config.DBClusterIdentifier
	count(object.get(input.config, "EnabledCloudwatchLogsExports", [])) == 0
	msg := sprintf("DB instance %s (%s) exports no logs to CloudWatch Logs", [input.config.DBInstanceIdentifier, object.get(input.config, "Engine", "unknown engine")])
}

deny contains {"msg": msg, "path": "config.EnabledCloudwatchLogsExports"} if {
	input.type == "AWS::RDS::DBCluster"
	count(object.get(input.config, "EnabledCloudwatchLogsExports", [])) == 0
	msg := sprintf("DB cluster %s (%s) exports no logs to CloudWatch Logs", [input.config.DBClusterIdentifier, object.get(input.config, "Engine", "unknown engine")])
}
