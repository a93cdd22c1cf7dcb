package vigil.rules.aws.tagging.resource_required_tags

params := {"required_tags": ["owner", "environment"]}

test_deny_missing_tags if {
	r := deny with input as {"id": "x", "type": "T", "tags": {"owner": "a"}, "config": {"InstanceId": "i-1", "VolumeId": "vol-1", "Name": "b"}}
		with data.vigil.context.params as params
	count(r) == 1
	some f in r
	contains(f.msg, "environment")
	not contains(f.msg, "owner")
}

test_deny_empty_value_counts_as_missing if {
	count(deny) == 1 with input as {"id": "x", "type": "T", "tags": {"owner": "a", "environment": ""}, "config": {"InstanceId": "i-1", "VolumeId": "vol-1", "Name": "b"}}
		with data.vigil.context.params as params
}

test_allow_all_tags_present if {
	count(deny) == 0 with input as {"id": "x", "type": "T", "tags": {"owner": "a", "environment": "dev"}, "config": {"InstanceId": "i-1", "VolumeId": "vol-1", "Name": "b"}}
		with data.vigil.context.params as params
}

test_deny_default_params_require_four_tags if {
	r := deny with input as {"id": "x", "type": "T", "tags": {}, "config": {"InstanceId": "i-1", "VolumeId": "vol-1", "Name": "b"}}
	some f in r
	contains(f.msg, "cost-center, data-classification, environment, owner")
}
