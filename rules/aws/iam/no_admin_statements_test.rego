package vigil.rules.aws.iam.no_admin_statements

test_deny_customer_policy_star if {
	r := deny with input as {"type": "AWS::IAM::Policy", "name": "p", "config": {"PolicyName": "p", "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}}
	count(r) == 1
}

test_deny_inline_role_policy_list_action if {
	r := deny with input as {"type": "AWS::IAM::Role", "name": "r", "config": {"RolePolicyList": [{"PolicyName": "inl", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "*"], "Resource": ["*"]}]}}]}}
	count(r) == 1
	some f in r
	contains(f.msg, "inline policy inl")
}

test_deny_not_action if {
	count(deny) == 1 with input as {"type": "AWS::IAM::Policy", "name": "p", "config": {"PolicyName": "p", "Document": {"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}}}
}

test_allow_scoped_resource if {
	count(deny) == 0 with input as {"type": "AWS::IAM::Policy", "name": "p", "config": {"PolicyName": "p", "Document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"}]}}}
}

test_allow_deny_statement if {
	count(deny) == 0 with input as {"type": "AWS::IAM::Policy", "name": "p", "config": {"PolicyName": "p", "Document": {"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}}}
}
