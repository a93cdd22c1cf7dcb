package vigil.rules.aws.messaging.topic_tls_only

tls_statement := {
	"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "SNS:Publish",
	"Resource": "arn:aws:sns:us-east-1:123456789012:alerts",
	"Condition": {"Bool": {"aws:SecureTransport": "false"}},
}

topic(policy) := {"name": "alerts", "type": "AWS::SNS::Topic", "config": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:alerts", "Policy": policy}}

test_deny_no_policy if {
	r := deny with input as {"name": "alerts", "config": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:alerts"}}
	r == {{"msg": "topic alerts has no access policy, so requests without TLS are not denied", "path": "config.Policy"}}
}

test_deny_no_tls_statement if {
	r := deny with input as topic({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "SNS:Publish"}]})
	r == {{"msg": "topic alerts policy does not deny requests without TLS (aws:SecureTransport false)", "path": "config.Policy"}}
}

test_deny_condition_true if {
	count(deny) == 1 with input as topic({"Statement": [object.union(tls_statement, {"Condition": {"Bool": {"aws:SecureTransport": "true"}}})]})
}

test_allow_tls_only if {
	count(deny) == 0 with input as topic({"Statement": [tls_statement]})
}

test_allow_bool_false_aws_principal if {
	count(deny) == 0 with input as topic({"Statement": object.union(tls_statement, {"Principal": {"AWS": "*"}, "Condition": {"Bool": {"aws:SecureTransport": false}}})})
}
