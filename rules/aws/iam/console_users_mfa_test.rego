package vigil.rules.aws.iam.console_users_mfa

test_deny_password_no_mfa if {
	count(deny) == 1 with input as {"name": "u", "config": {"Credential": {"password_enabled": true, "mfa_active": false}}}
}

test_allow_mfa if {
	count(deny) == 0 with input as {"name": "u", "config": {"Credential": {"password_enabled": true, "mfa_active": true}}}
}

test_allow_no_password if {
	count(deny) == 0 with input as {"name": "u", "config": {"Credential": {"password_enabled": false, "mfa_active": false}}}
}
