package vigil.rules.aws.messaging.queue_encryption

queue(config) := {"name": "jobs", "type": "AWS::SQS::Queue", "config": object.union({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"}, config)}

test_deny_unencrypted if {
	r := deny with input as queue({"SqsManagedSseEnabled": false})
	r == {{"msg": "queue jobs is not encrypted at rest (neither SSE-KMS nor SSE-SQS)", "path": "config.SqsManagedSseEnabled"}}
}

test_deny_fields_missing if {
	count(deny) == 1 with input as queue({})
}

test_allow_sse_sqs if {
	count(deny) == 0 with input as queue({"SqsManagedSseEnabled": true})
}

test_allow_sse_kms if {
	count(deny) == 0 with input as queue({"KmsMasterKeyId": "alias/aws/sqs", "SqsManagedSseEnabled": false})
}
