package vigil.rules.aws.s3.bucket_tls_only

tls_statement := {
	"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
	"Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
	"Condition": {"Bool": {"aws:SecureTransport": "false"}},
}

with_policy(p) := {"type": "AWS::S3::Bucket", "config": {"Name": "b", "Policy": p}}

test_deny_no_policy if {
	r := deny with input as {"config": {"Name": "b"}}
	count(r) == 1
	some f in r
	contains(f.msg, "no bucket policy")
	f.path == "config.Policy"
}

test_deny_objects_not_covered if {
	# Statement as an object, Principal {"AWS": "*"}, bool false, Resource as a string.
	r := deny with input as with_policy({"Statement": {
		"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "arn:aws:s3:::b",
		"Condition": {"Bool": {"aws:SecureTransport": false}},
	}})
	count(r) == 1
	some f in r
	endswith(f.msg, "for arn:aws:s3:::b/*")
}

test_deny_bucket_not_covered if {
	r := deny with input as with_policy({"Statement": [object.union(tls_statement, {"Resource": "arn:aws:s3:::b/*"})]})
	count(r) == 1
	some f in r
	endswith(f.msg, "for arn:aws:s3:::b")
}

test_deny_allow_statement_only if {
	r := deny with input as with_policy({"Statement": [object.union(tls_statement, {"Effect": "Allow"})]})
	count(r) == 1
	some f in r
	contains(f.msg, "arn:aws:s3:::b and arn:aws:s3:::b/*")
}

test_deny_condition_true if {
	count(deny) == 1 with input as with_policy({"Statement": [object.union(tls_statement, {"Condition": {"Bool": {"aws:SecureTransport": "true"}}})]})
}

test_deny_specific_principal if {
	count(deny) == 1 with input as with_policy({"Statement": [object.union(tls_statement, {"Principal": {"AWS": "arn:aws:iam::123456789012:root"}})]})
}

test_deny_partial_action if {
	count(deny) == 1 with input as with_policy({"Statement": [object.union(tls_statement, {"Action": ["s3:GetObject"]})]})
}

test_deny_other_bucket if {
	count(deny) == 1 with input as with_policy({"Statement": [object.union(tls_statement, {"Resource": ["arn:aws:s3:::other", "arn:aws:s3:::other/*"]})]})
}

test_deny_prefix_only if {
	# Only some objects are covered.
	count(deny) == 1 with input as with_policy({"Statement": [object.union(tls_statement, {"Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/logs/*"]})]})
}

test_deny_partial_object_wildcard if {
	# "b/o*" matches some object keys, not every key.
	r := deny with input as with_policy({"Statement": [object.union(tls_statement, {"Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/o*"]})]})
	count(r) == 1
	some f in r
	endswith(f.msg, "for arn:aws:s3:::b/*")
}

test_deny_bracket_resource_no_error if {
	# glob.match rejects "[" patterns; such resources are compared literally instead.
	r := deny with input as with_policy({"Statement": [object.union(tls_statement, {"Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/logs[1/*"]})]})
	count(r) == 1
}

test_allow_tls_only if {
	count(deny) == 0 with input as with_policy({"Version": "2012-10-17", "Statement": [tls_statement]})
}

test_allow_string_forms_and_bool_false if {
	count(deny) == 0 with input as with_policy({"Statement": [
		{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
		object.union(tls_statement, {"Principal": {"AWS": ["*"]}, "Action": ["s3:*"], "Condition": {"Bool": {"aws:SecureTransport": false}}}),
	]})
}

test_allow_split_statements if {
	count(deny) == 0 with input as with_policy({"Statement": [
		object.union(tls_statement, {"Resource": "arn:aws:s3:::b"}),
		object.union(tls_statement, {"Action": "*", "Resource": "arn:aws:s3:::b/*"}),
	]})
}

test_allow_wildcard_resource_dotted_name if {
	count(deny) == 0 with input as {"config": {"Name": "my.bucket", "Policy": {"Statement": [object.union(tls_statement, {"Resource": "*"})]}}}
}

test_allow_bucket_wildcard_pattern if {
	count(deny) == 0 with input as with_policy({"Statement": [object.union(tls_statement, {"Resource": "arn:aws:s3:::b*"})]})
}
