# METADATA
# title: Secrets Manager secret is not encrypted with a customer managed KMS key
# description: A secret without KmsKeyId, or with the AWS managed alias aws/secretsmanager, uses the account's AWS managed key, whose key policy the account cannot restrict. A key ARN of the AWS managed key itself cannot be told apart from a customer key here.
# custom:
#   id: SM-AWS-002
#   severity: low
#   controls: [AU-9(3), CP-9, SC-8(3), SC-8(4), SC-13, SC-28(1), SI-19(4)]
#   resource_types: ["AWS::SecretsManager::Secret"]
#   remediation: aws secretsmanager update-secret --secret-id <secret> --kms-key-id <customer managed key>.
package vigil.rules.aws.secretsmanager.customer_managed_key

import data.vigil.lib.aws

key := object.get(input.config, "KmsKeyId", "")

deny contains {"msg": msg, "path": "config.KmsKeyId"} if {
	key == ""
	msg := sprintf("secret %s is encrypted with the AWS managed key aws/secretsmanager (no KmsKeyId)", [aws.label(input)])
}

deny contains {"msg": msg, "path": "config.KmsKeyId"} if {
	endswith(key, "alias/aws/secretsmanager")
	msg := sprintf("secret %s is encrypted with the AWS managed key %s, not a customer managed key", [aws.label(input), key])
}
