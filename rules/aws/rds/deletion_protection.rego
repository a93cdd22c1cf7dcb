# METADATA
# title: RDS database deletion protection is off
# description: "DB clusters and standalone DB instances must have DeletionProtection true; a missing field fails. Instances that belong to a cluster (DBClusterIdentifier set) are skipped: their cluster's setting applies."
# custom:
#   id: RDS-AWS-003
#   severity: low
#   controls: [CA-7(4), CM-3, CP-1, CP-2, CP-2(5), SA-15, SC-5(2), SC-22, SI-13(5)]
#   resource_types: ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"]
#   remediation: aws rds modify-db-instance --db-instance-identifier <db> --deletion-protection (for a cluster, aws rds modify-db-cluster --db-cluster-identifier <cluster> --deletion-protection).
package vigil.rules.aws.rds.deletion_protection

deny contains {"msg": msg, "path": "config.DeletionProtection"} if {
	input.type == "AWS::RDS::DBInstance"
	not input.config.DBClusterIdentifier
	object.get(input.config, "DeletionProtection", false) != true
	msg := sprintf("DB instance %s has deletion protection off", [input.config.DBInstanceIdentifier])
}

deny contains {"msg": msg, "path": "config.DeletionProtection"} if {
	input.type == "AWS::RDS::DBCluster"
	object.get(input.config, "DeletionProtection", false) != true
	msg := sprintf("DB cluster %s has deletion protection off", [input.config.DBClusterIdentifier])
}
