package vigil.lib.aws_policy

test_public_allow_with_star_principal if {
	count(public_allows({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage"}]})) == 1
	count(public_allows({"Statement": {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "*"}})) == 1
}

test_condition_on_source_account_is_not_public if {
	count(public_allows({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Condition": {"StringEquals": {"AWS:SourceAccount": "123456789012"}}}]})) == 0
}

test_named_principal_is_not_public if {
	count(public_allows({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "*"}]})) == 0
	count(public_allows(null)) == 0
}

test_tls_denied if {
	tls_denied({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
	tls_denied({"Statement": [{"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*", "Condition": {"Bool": {"aws:SecureTransport": false}}}]})
	not tls_denied({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*"}]})
	not tls_denied({})
}
