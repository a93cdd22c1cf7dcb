package vigil.rules.aws.guards.password_max_age

test_deny_long_age if {
	r := deny with input as {"account": "123456789012", "config": {"Present": true, "ExpirePasswords": true, "MaxPasswordAge": 365}}
	r == {{"msg": "account 123456789012 IAM password policy expires passwords after 365 days, more than 90", "path": "config.MaxPasswordAge"}}
}

test_deny_no_policy if {
	r := deny with input as {"account": "123456789012", "config": {"Present": false, "ExpirePasswords": false}}
	r == {{"msg": "account 123456789012 has no IAM password policy, so passwords never expire", "path": "config.Present"}}
}

test_deny_field_missing if {
	r := deny with input as {"account": "123456789012", "config": {"Present": true, "ExpirePasswords": false}}
	r == {{"msg": "account 123456789012 IAM password policy never expires passwords", "path": "config.MaxPasswordAge"}}
	count(deny) == 1 with input as {"account": "123456789012", "config": {}}
}

test_allow_90_or_less if {
	count(deny) == 0 with input as {"account": "123456789012", "config": {"Present": true, "ExpirePasswords": true, "MaxPasswordAge": 90}}
	count(deny) == 0 with input as {"account": "123456789012", "config": {"Present": true, "ExpirePasswords": true, "MaxPasswordAge": 60}}
}

test_deny_without_account_before_deploy if {
	r := deny with input as {"config": {"Present": true, "ExpirePasswords": false}}
	r == {{"msg": "account (the one it deploys to) IAM password policy never expires passwords", "path": "config.MaxPasswordAge"}}
}
