# METADATA
# title: DynamoDB table is not encrypted with a KMS key
# description: SSEDescription must have SSEType KMS and Status ENABLED or UPDATING. A table without SSEDescription is encrypted with a key DynamoDB owns, which the account cannot audit or control.
# custom:
#   id: DDB-AWS-002
#   severity: low
#   controls: [AU-9(3), CP-9, SC-8(3), SC-8(4), SC-13, SC-28(1), SI-19(4)]
#   resource_types: ["AWS::DynamoDB::Table"]
#   remediation: aws dynamodb update-table --table-name <table> --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId=<key>.
package vigil.rules.aws.dynamodb.table_kms_encryption

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.SSEDescription"} if {
	object.get(input.config, "SSEDescription", null) == null
	msg := sprintf("table %s is encrypted with a key DynamoDB owns, not a KMS key", [aws.label(input)])
}

deny contains {"msg": msg, "path": "config.SSEDescription"} if {
	sse := input.config.SSEDescription
	sse != null
	type := object.get(sse, "SSEType", "none")
	status := object.get(sse, "Status", "unknown")
	not kms_in_use(type, status)
	msg := sprintf("table %s is not encrypted with a KMS key (SSE type %s, status %s)", [aws.label(input), type, status])
}

kms_in_use(type, status) if {
	type == "KMS"
	status in {"ENABLED", "UPDATING"}
}
