package vigil.rules.aws.tagging.bucket_required_tags

params := {"required_tags": ["owner", "data-classification"], "data_classifications": ["public", "internal"]}

test_deny_missing_tags if {
	count(deny) == 1 with input as {"tags": {"owner": "a"}, "config": {"Name": "b"}} with data.vigil.context.params as params
}

test_deny_unknown_classification if {
	r := deny with input as {"tags": {"owner": "a", "data-classification": "secret-ish"}, "config": {"Name": "b"}}
		with data.vigil.context.params as params
	count(r) == 1
	some f in r
	f.path == "tags.data-classification"
}

test_allow_known_classification_any_case if {
	count(deny) == 0 with input as {"tags": {"owner": "a", "data-classification": "Internal"}, "config": {"Name": "b"}}
		with data.vigil.context.params as params
}
