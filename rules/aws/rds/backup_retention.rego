# METADATA
# title: RDS database automated backups are off or kept too briefly
# description: "DB clusters and standalone DB instances must keep automated backups for at least rules.params.rds_backup_retention_days (default 7) days; a BackupRetentionPeriod of 0 or missing means automated backups are off. Instances that belong to a cluster are skipped: their cluster's backups apply."
# custom:
#   id: RDS-AWS-005
#   severity: medium
#   controls: [CP-2(5), CP-6, CP-6(1), CP-6(2), CP-9, CP-10, CP-10(2), SC-5(2), SI-13(5)]
#   resource_types: ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"]
#   remediation: aws rds modify-db-instance --db-instance-identifier <db> --backup-retention-period 7 --apply-immediately (for a cluster, aws rds modify-db-cluster --db-cluster-identifier <cluster> --backup-retention-period 7).
package vigil.rules.aws.rds.backup_retention

min_days := object.get(data.vigil.context.params, "rds_backup_retention_days", 7)

applies if {
	input.type == "AWS::RDS::DBInstance"
	not input.config.DBClusterIdentifier
}

applies if input.type == "AWS::RDS::DBCluster"

what := sprintf("DB instance %s", [input.config.DBInstanceIdentifier]) if input.type == "AWS::RDS::DBInstance"

what := sprintf("DB cluster %s", [input.config.DBClusterIdentifier]) if input.type == "AWS::RDS::DBCluster"

retention := object.get(input.config, "BackupRetentionPeriod", 0)

deny contains {"msg": msg, "path": "config.BackupRetentionPeriod"} if {
	applies
	retention <= 0
	msg := sprintf("%s has automated backups off", [what])
}

deny contains {"msg": msg, "path": "config.BackupRetentionPeriod"} if {
	applies
	retention > 0
	retention < min_days
	msg := sprintf("%s keeps automated backups for %d days, fewer than %d", [what, retention, min_days])
}
