package vigil.rules.aws.ecr.public_policy

repo(policy) := {"type": "AWS::ECR::Repository", "config": {"RepositoryName": "web", "Policy": policy}}

test_deny_public_pull if {
	r := deny with input as repo({"Version": "2012-10-17", "Statement": [{"Sid": "pull", "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]})
	r == {{"msg": "ECR repository web policy allows access to anyone (statement pull)", "path": "config.Policy"}}
}

test_deny_statement_without_sid if {
	r := deny with input as repo({"Statement": {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "ecr:*"}})
	r == {{"msg": "ECR repository web policy allows access to anyone (statement (no Sid))", "path": "config.Policy"}}
}

test_allow_organization_condition if {
	count(deny) == 0 with input as repo({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}]})
}

test_allow_account_principal if {
	count(deny) == 0 with input as repo({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "ecr:BatchGetImage"}]})
}

test_allow_policy_missing if {
	count(deny) == 0 with input as {"config": {"RepositoryName": "web"}}
}
