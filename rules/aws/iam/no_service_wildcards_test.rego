package vigil.rules.aws.iam.no_service_wildcards

test_deny_s3_star if {
	count(deny) == 1 with input as {"name": "p", "config": {"Document": {"Statement": [{"Effect": "Allow", "Action": ["s3:*", "ec2:DescribeInstances"], "Resource": "*"}]}}}
}

test_deny_case_insensitive if {
	count(deny) == 1 with input as {"name": "p", "config": {"Document": {"Statement": {"Effect": "Allow", "Action": "KMS:*", "Resource": "*"}}}}
}

test_allow_specific_actions if {
	count(deny) == 0 with input as {"name": "p", "config": {"Document": {"Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:ListBucket"], "Resource": "*"}]}}}
}

test_allow_full_star_is_another_rule if {
	count(deny) == 0 with input as {"name": "p", "config": {"Document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}}
}
