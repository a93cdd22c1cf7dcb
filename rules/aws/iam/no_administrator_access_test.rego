package vigil.rules.aws.iam.no_administrator_access

test_deny_role_with_administrator_access if {
	r := deny with input as {"type": "AWS::IAM::Role", "name": "ops", "config": {"AttachedManagedPolicies": [
		{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
		{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
	]}}
	r == {{"msg": "role ops has AdministratorAccess attached: every action on every resource", "path": "config.AttachedManagedPolicies[1]"}}
}

test_deny_in_govcloud if {
	count(deny) == 1 with input as {"type": "AWS::IAM::Group", "name": "g", "config": {"AttachedManagedPolicies": [{"PolicyArn": "arn:aws-us-gov:iam::aws:policy/AdministratorAccess"}]}}
}

test_deny_as_a_template_writes_it if {
	count(deny) == 1 with input as {"type": "AWS::IAM::Role", "name": "r", "config": {"AttachedManagedPolicies": [{"PolicyArn": "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"}]}}
}

# A customer-managed policy of the same name is IAM-AWS-001's to judge, by its statements.
test_allow_own_policy_named_alike if {
	count(deny) == 0 with input as {"type": "AWS::IAM::User", "name": "u", "config": {"AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::111122223333:policy/AdministratorAccess"}]}}
}

test_allow_none if {
	count(deny) == 0 with input as {"type": "AWS::IAM::User", "name": "u", "config": {}}
}
