# METADATA
# title: DynamoDB table point-in-time recovery is off
# custom:
#   id: DDB-AWS-001
#   severity: medium
#   controls: [CP-2(5), CP-6(2), CP-9, CP-10, CP-10(2), SC-5(2), SI-13(5)]
#   resource_types: ["AWS::DynamoDB::Table"]
#   remediation: aws dynamodb update-continuous-backups --table-name <table> --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true.
package vigil.rules.aws.dynamodb.table_pitr_enabled

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.PointInTimeRecoveryStatus"} if {
	status := object.get(input.config, "PointInTimeRecoveryStatus", "unknown")
	status != "ENABLED"
	msg := sprintf("table %s has point-in-time recovery off (status %s)", [aws.label(input), status])
}
