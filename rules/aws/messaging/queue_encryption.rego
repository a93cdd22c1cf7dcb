# METADATA
# title: SQS queue is not encrypted
# description: Neither SSE-KMS (KmsMasterKeyId) nor SSE-SQS (SqsManagedSseEnabled) is on.
# custom:
#   id: SQS-AWS-001
#   severity: medium
#   controls: [SC-13, SC-28, SC-28(1)]
#   resource_types: ["AWS::SQS::Queue"]
#   remediation: aws sqs set-queue-attributes --queue-url <url> --attributes SqsManagedSseEnabled=true (or KmsMasterKeyId=<key> for SSE-KMS).
#   action: sqs_encryption
package vigil.rules.aws.messaging.queue_encryption

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.SqsManagedSseEnabled"} if {
	object.get(input.config, "KmsMasterKeyId", "") == ""
	object.get(input.config, "SqsManagedSseEnabled", false) != true
	msg := sprintf("queue %s is not encrypted at rest (neither SSE-KMS nor SSE-SQS)", [aws.label(input)])
}
