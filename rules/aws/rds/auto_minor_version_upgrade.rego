# METADATA
# title: RDS automatic minor version upgrade is off
# description: "DB instances (Aurora members included: the setting is per instance) must have AutoMinorVersionUpgrade true; a missing field fails. DB clusters are judged only when they carry the setting (Multi-AZ DB clusters); Aurora clusters do not."
# custom:
#   id: RDS-AWS-006
#   severity: low
#   controls: [SI-2, SI-2(5)]
#   resource_types: ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"]
#   remediation: aws rds modify-db-instance --db-instance-identifier <db> --auto-minor-version-upgrade (for a Multi-AZ DB cluster, aws rds modify-db-cluster --db-cluster-identifier <cluster> --auto-minor-version-upgrade).
package vigil.rules.aws.rds.auto_minor_version_upgrade

deny contains {"msg": msg, "path": "config.AutoMinorVersionUpgrade"} if {
	input.type == "AWS::RDS::DBInstance"
	object.get(input.config, "AutoMinorVersionUpgrade", false) != true
	msg := sprintf("DB instance %s does not get minor engine upgrades automatically", [input.config.DBInstanceIdentifier])
}

deny contains {"msg": msg, "path": "config.AutoMinorVersionUpgrade"} if {
	input.type == "AWS::RDS::DBCluster"
	input.config.AutoMinorVersionUpgrade == false
	msg := sprintf("DB cluster %s does not get minor engine upgrades automatically", [input.config.DBClusterIdentifier])
}
