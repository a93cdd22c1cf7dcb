package vigil.rules.aws.guards.password_reuse

policy(extra) := {"account": "123456789012", "type": "AWS::IAM::PasswordPolicy", "config": object.union({"Present": true, "MinimumPasswordLength": 14, "PasswordReusePrevention": 24}, extra)}

test_deny_low if {
	r := deny with input as policy({"PasswordReusePrevention": 5})
	r == {{"msg": "account 123456789012 IAM password policy prevents reuse of only the last 5 passwords, fewer than 24", "path": "config.PasswordReusePrevention"}}
}

test_deny_no_policy if {
	r := deny with input as {"account": "123456789012", "config": {"Present": false}}
	r == {{"msg": "account 123456789012 has no IAM password policy, so users may reuse passwords", "path": "config.Present"}}
}

test_deny_field_missing if {
	r := deny with input as {"account": "123456789012", "config": {"Present": true}}
	r == {{"msg": "account 123456789012 IAM password policy lets users reuse any previous password, fewer than 24", "path": "config.PasswordReusePrevention"}}
	count(deny) == 1 with input as {"account": "123456789012", "config": {}}
}

test_allow_24 if {
	count(deny) == 0 with input as policy({})
}

test_deny_without_account_before_deploy if {
	r := deny with input as json.remove(policy({"PasswordReusePrevention": 5}), ["account"])
	r == {{"msg": "account (the one it deploys to) IAM password policy prevents reuse of only the last 5 passwords, fewer than 24", "path": "config.PasswordReusePrevention"}}
}
