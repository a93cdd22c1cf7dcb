# METADATA
# title: CloudWatch log group is not encrypted with KMS
# custom:
#   id: LOG-AWS-009
#   severity: low
#   controls: [AU-9(3), CP-9, SC-8(3), SC-8(4), SC-13, SC-28(1), SI-19(4)]
#   resource_types: ["AWS::Logs::LogGroup"]
#   remediation: aws logs associate-kms-key --log-group-name <group> --kms-key-id <key arn>.
package vigil.rules.aws.logs.log_group_kms_encryption

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.KmsKeyId"} if {
	object.get(input.config, "KmsKeyId", "") == ""
	msg := sprintf("log group %s is not encrypted with a KMS key (no KmsKeyId)", [aws.label(input)])
}
