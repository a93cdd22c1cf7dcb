# METADATA
# title: RDS instance storage is not encrypted
# custom:
#   id: RDS-AWS-001
#   severity: high
#   controls: [AU-9(3), CP-9, CP-9(8), SC-8(3), SC-8(4), SC-13, SC-28(1), SI-19(4)]
#   resource_types: ["AWS::RDS::DBInstance"]
#   remediation: Restore the instance from an encrypted snapshot copy (storage encryption cannot be turned on in place).
package vigil.rules.aws.rds.instance_storage_encrypted

deny contains {"msg": msg, "path": "config.StorageEncrypted"} if {
	object.get(input.config, "StorageEncrypted", false) != true
	msg := sprintf("DB instance %s (%s) is not encrypted at rest", [input.config.DBInstanceIdentifier, object.get(input.config, "Engine", "unknown engine")])
}
