# METADATA
# title: DynamoDB table deletion protection is off
# custom:
#   id: DDB-AWS-003
#   severity: low
#   controls: [CM-3, CM-5, CP-10]
#   resource_types: ["AWS::DynamoDB::Table"]
#   remediation: aws dynamodb update-table --table-name <table> --deletion-protection-enabled.
package vigil.rules.aws.dynamodb.table_deletion_protection

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.DeletionProtectionEnabled"} if {
	object.get(input.config, "DeletionProtectionEnabled", false) != true
	msg := sprintf("table %s has deletion protection off", [aws.label(input)])
}
