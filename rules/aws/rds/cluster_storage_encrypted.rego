# METADATA
# title: RDS DB cluster storage is not encrypted
# description: DB clusters must have StorageEncrypted true; a missing field fails.
# custom:
#   id: RDS-AWS-010
#   severity: high
#   controls: [AU-9(3), CP-9, SC-8(3), SC-8(4), SC-13, SC-28(1), SI-19(4)]
#   resource_types: ["AWS::RDS::DBCluster"]
#   remediation: Restore the cluster from an encrypted copy of a snapshot (aws rds copy-db-cluster-snapshot --kms-key-id <key>, then restore-db-cluster-from-snapshot); storage encryption cannot be turned on in place.
package vigil.rules.aws.rds.cluster_storage_encrypted

deny contains {"msg": msg, "path": "config.StorageEncrypted"} if {
	object.get(input.config, "StorageEncrypted", false) != true
	msg := sprintf("DB cluster %s (%s) is not encrypted at rest", [input.config.DBClusterIdentifier, object.get(input.config, "Engine", "unknown engine")])
}
