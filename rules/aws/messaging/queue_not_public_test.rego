package vigil.rules.aws.messaging.queue_not_public

queue(policy) := {"name": "jobs", "type": "AWS::SQS::Queue", "config": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs", "Policy": policy}}

public_statement := {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:123456789012:jobs"}

test_deny_public if {
	r := deny with input as queue({"Statement": [public_statement, object.union(public_statement, {"Sid": "Read", "Principal": {"AWS": ["*"]}, "Action": "sqs:ReceiveMessage"})]})
	r == {{"msg": "queue jobs policy allows everyone: statement (no Sid), Read", "path": "config.Policy"}}
}

test_allow_restricted_by_source_arn if {
	count(deny) == 0 with input as queue({"Statement": [object.union(public_statement, {"Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:alerts"}}})]})
}

test_allow_deny_statement if {
	count(deny) == 0 with input as queue({"Statement": [object.union(public_statement, {"Effect": "Deny"})]})
}

test_allow_no_policy if {
	count(deny) == 0 with input as {"name": "jobs", "config": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"}}
}
