# METADATA
# title: SNS topic is not encrypted
# custom:
#   id: SNS-AWS-001
#   severity: medium
#   controls: [AU-9(3), CP-9, SC-8(3), SC-8(4), SC-13, SC-28(1)]
#   resource_types: ["AWS::SNS::Topic"]
#   remediation: aws sns set-topic-attributes --topic-arn <topic> --attribute-name KmsMasterKeyId --attribute-value <key>.
#   action: sns_encryption
package vigil.rules.aws.messaging.topic_kms_encryption

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.KmsMasterKeyId"} if {
	object.get(input.config, "KmsMasterKeyId", "") == ""
	msg := sprintf("topic %s is not encrypted at rest (no KmsMasterKeyId)", [aws.label(input)])
}
