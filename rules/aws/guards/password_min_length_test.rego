package vigil.rules.aws.guards.password_min_length

policy(extra) := {"account": "123456789012", "region": "global", "type": "AWS::IAM::PasswordPolicy", "config": object.union({
	"Present": true, "MinimumPasswordLength": 14, "RequireSymbols": true, "RequireNumbers": true,
	"RequireUppercaseCharacters": true, "RequireLowercaseCharacters": true,
	"AllowUsersToChangePassword": true, "ExpirePasswords": true, "MaxPasswordAge": 90, "PasswordReusePrevention": 24,
}, extra)}

test_deny_short if {
	r := deny with input as policy({"MinimumPasswordLength": 8})
	r == {{"msg": "account 123456789012 IAM password policy allows passwords of 8 characters, fewer than 14", "path": "config.MinimumPasswordLength"}}
}

test_deny_no_policy if {
	r := deny with input as {"account": "123456789012", "config": {"Present": false, "RequireSymbols": false}}
	r == {{"msg": "account 123456789012 has no IAM password policy (IAM's default allows 8-character passwords)", "path": "config.Present"}}
}

test_deny_fields_missing if {
	count(deny) == 1 with input as {"account": "123456789012", "config": {}}
	r := deny with input as json.remove(policy({}), ["config/MinimumPasswordLength"])
	r == {{"msg": "account 123456789012 IAM password policy allows passwords of any length, fewer than 14", "path": "config.MinimumPasswordLength"}}
}

test_allow_long if {
	count(deny) == 0 with input as policy({})
	count(deny) == 0 with input as policy({"MinimumPasswordLength": 20})
}

test_deny_without_account_before_deploy if {
	r := deny with input as json.remove(policy({"MinimumPasswordLength": 8}), ["account"])
	r == {{"msg": "account (the one it deploys to) IAM password policy allows passwords of 8 characters, fewer than 14", "path": "config.MinimumPasswordLength"}}
}
