package vigil.rules.aws.s3.bucket_tls_only

good := {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}

test_deny_no_policy if {
	count(deny) == 2 with input as {"config": {"Name": "b"}}
}

test_deny_objects_not_covered if {
	count(deny) == 1 with input as {"config": {"Name": "b", "Policy": {"Statement": {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "arn:aws:s3:::b", "Condition": {"Bool": {"aws:SecureTransport": false}}}}}}
}

test_allow_tls_only if {
	count(deny) == 0 with input as {"config": {"Name": "b", "Policy": good}}
}
