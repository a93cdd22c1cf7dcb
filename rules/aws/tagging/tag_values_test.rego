package vigil.rules.aws.tagging.tag_values

params := {"allowed_environments": ["prod", "dev"]}

test_deny_unknown_environment if {
	count(deny) == 1 with input as {"id": "r", "tags": {"environment": "qa"}} with data.vigil.context.params as params
}

test_deny_bad_owner if {
	r := deny with input as {"id": "r", "tags": {"owner": "John Smith"}} with data.vigil.context.params as params
	count(r) == 1
	some f in r
	f.path == "tags.owner"
}

test_deny_placeholder_value if {
	r := deny with input as {"id": "r", "tags": {"cost-center": "TBD", "owner": "n/a"}} with data.vigil.context.params as params
	count(r) == 2
}

test_allow_good_values if {
	count(deny) == 0 with input as {"id": "r", "tags": {"environment": "Prod", "owner": "platform-team", "cost-center": "cc-1"}}
		with data.vigil.context.params as params
}

test_allow_email_owner if {
	count(deny) == 0 with input as {"id": "r", "tags": {"owner": "alice@example.com"}} with data.vigil.context.params as params
}
