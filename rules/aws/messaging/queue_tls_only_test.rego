package vigil.rules.aws.messaging.queue_tls_only

tls_statement := {
	"Sid": "TlsOnly", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sqs:*",
	"Resource": "arn:aws:sqs:us-east-1:123456789012:jobs",
	"Condition": {"Bool": {"aws:SecureTransport": "false"}},
}

queue(policy) := {"name": "jobs", "type": "AWS::SQS::Queue", "config": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs", "Policy": policy}}

test_deny_no_policy if {
	r := deny with input as {"name": "jobs", "config": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"}}
	r == {{"msg": "queue jobs has no access policy, so requests without TLS are not denied", "path": "config.Policy"}}
}

test_deny_no_tls_statement if {
	r := deny with input as queue({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sqs:*"}]})
	r == {{"msg": "queue jobs policy does not deny requests without TLS (aws:SecureTransport false)", "path": "config.Policy"}}
}

test_deny_specific_principal if {
	count(deny) == 1 with input as queue({"Statement": [object.union(tls_statement, {"Principal": {"AWS": "arn:aws:iam::123456789012:root"}})]})
}

test_allow_tls_only if {
	count(deny) == 0 with input as queue({"Statement": [tls_statement]})
}

test_allow_bool_if_exists if {
	count(deny) == 0 with input as queue({"Statement": [object.union(object.remove(tls_statement, ["Condition"]), {"Condition": {"BoolIfExists": {"aws:SecureTransport": false}}})]})
}
