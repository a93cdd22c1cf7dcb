package vigil.rules.aws.messaging.topic_not_public

topic(policy) := {"name": "alerts", "type": "AWS::SNS::Topic", "config": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:alerts", "Policy": policy}}

public_statement := {"Sid": "Open", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "SNS:Publish", "Resource": "arn:aws:sns:us-east-1:123456789012:alerts"}

test_deny_public if {
	r := deny with input as topic({"Version": "2012-10-17", "Statement": [public_statement]})
	r == {{"msg": "topic alerts policy allows everyone: statement Open", "path": "config.Policy"}}
}

test_deny_star_principal_statement_object if {
	count(deny) == 1 with input as topic({"Statement": object.union(public_statement, {"Principal": "*"})})
}

test_allow_restricted_by_source_account if {
	count(deny) == 0 with input as topic({"Statement": [object.union(public_statement, {"Condition": {"StringEquals": {"AWS:SourceOwner": "123456789012"}}})]})
}

test_allow_account_principal if {
	count(deny) == 0 with input as topic({"Statement": [object.union(public_statement, {"Principal": {"AWS": "arn:aws:iam::123456789012:root"}})]})
}

test_allow_no_policy if {
	count(deny) == 0 with input as {"name": "alerts", "config": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:alerts"}}
}
