package vigil.rules.aws.guards.password_complexity

all_on := {"Present": true, "RequireSymbols": true, "RequireNumbers": true, "RequireUppercaseCharacters": true, "RequireLowercaseCharacters": true}

test_deny_no_symbols if {
	r := deny with input as {"account": "123456789012", "config": object.union(all_on, {"RequireSymbols": false})}
	r == {{"msg": "account 123456789012 IAM password policy does not require symbols", "path": "config.RequireSymbols"}}
}

test_deny_no_policy if {
	r := deny with input as {"account": "123456789012", "config": {"Present": false, "RequireSymbols": false, "RequireNumbers": false, "RequireUppercaseCharacters": false, "RequireLowercaseCharacters": false}}
	count(r) == 1
	some f in r
	f.path == "config.Present"
}

test_deny_fields_missing if {
	r := deny with input as {"account": "123456789012", "config": {"Present": true, "RequireNumbers": true}}
	{f.path | some f in r} == {"config.RequireSymbols", "config.RequireUppercaseCharacters", "config.RequireLowercaseCharacters"}
}

test_allow_all_required if {
	count(deny) == 0 with input as {"account": "123456789012", "config": all_on}
}

test_deny_without_account_before_deploy if {
	r := deny with input as {"config": object.union(all_on, {"RequireSymbols": false})}
	r == {{"msg": "account (the one it deploys to) IAM password policy does not require symbols", "path": "config.RequireSymbols"}}
}
