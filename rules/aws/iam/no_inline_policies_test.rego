package vigil.rules.aws.iam.no_inline_policies

test_deny_user_inline if {
	count(deny) == 1 with input as {"name": "u", "config": {"UserPolicyList": [{"PolicyName": "a"}, {"PolicyName": "b"}]}}
}

test_allow_none if {
	count(deny) == 0 with input as {"name": "u", "config": {"UserPolicyList": [], "AttachedManagedPolicies": [{"PolicyName": "x"}]}}
}
