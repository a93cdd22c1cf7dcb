# METADATA
# title: RDS database IAM authentication is off
# description: "DB clusters and standalone DB instances whose engine supports IAM database authentication (mysql, mariadb, postgres, aurora, aurora-mysql, aurora-postgresql) must have IAMDatabaseAuthenticationEnabled true; a missing field fails, other or unknown engines are skipped. Instances that belong to a cluster are skipped: the setting is the cluster's."
# custom:
#   id: RDS-AWS-004
#   severity: medium
#   controls: [AC-2(1), IA-2, IA-5]
#   resource_types: ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"]
#   remediation: aws rds modify-db-instance --db-instance-identifier <db> --enable-iam-database-authentication (for a cluster, aws rds modify-db-cluster --db-cluster-identifier <cluster> --enable-iam-database-authentication).
package vigil.rules.aws.rds.iam_authentication

engines := {"mysql", "mariadb", "postgres", "aurora", "aurora-mysql", "aurora-postgresql"}

engine := lower(object.get(input.config, "Engine", ""))

deny contains {"msg": msg, "path": "config.IAMDatabaseAuthenticationEnabled"} if {
	input.type == "AWS::RDS::DBInstance"
	not input.config.DBClusterIdentifier
	engine in engines
	object.get(input.config, "IAMDatabaseAuthenticationEnabled", false) != true
	msg := sprintf("DB instance %s (%s) does not accept IAM database authentication", [input.config.DBInstanceIdentifier, engine])
}

deny contains {"msg": msg, "path": "config.IAMDatabaseAuthenticationEnabled"} if {
	input.type == "AWS::RDS::DBCluster"
	engine in engines
	object.get(input.config, "IAMDatabaseAuthenticationEnabled", false) != true
	msg := sprintf("DB cluster %s (%s) does not accept IAM database authentication", [input.config.DBClusterIdentifier, engine])
}
