# METADATA
# title: RDS instance is publicly accessible
# custom:
#   id: NET-AWS-006
#   severity: critical
#   controls: [AC-2(6), AC-3, AC-3(7), AC-4(21), AC-6, AC-17, AC-17(1), AC-17(4), AC-17(9), AC-17(10), MP-2, SC-7, SC-7(3), SC-7(7), SC-7(9), SC-7(11), SC-7(12), SC-7(16), SC-7(20), SC-7(21), SC-7(24), SC-7(25), SC-7(26), SC-7(27), SC-7(28), SC-25]
#   resource_types: ["AWS::RDS::DBInstance"]
#   remediation: aws rds modify-db-instance --db-instance-identifier <db> --no-publicly-accessible.
package vigil.rules.aws.rds.instance_not_public

deny contains {"msg": msg, "path": "config.PubliclyAccessible"} if {
	input.config.PubliclyAccessible == true
	msg := sprintf("DB instance %s is publicly accessible", [input.config.DBInstanceIdentifier])
}
