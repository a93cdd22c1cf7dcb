package vigil.rules.aws.ec2.instance_imdsv2

test_deny_optional if {
	count(deny) == 1 with input as {"config": {"InstanceId": "i-1", "MetadataOptions": {"HttpTokens": "optional", "HttpEndpoint": "enabled"}}}
}

test_deny_missing_options if {
	count(deny) == 1 with input as {"config": {"InstanceId": "i-1"}}
}

test_allow_required if {
	count(deny) == 0 with input as {"config": {"InstanceId": "i-1", "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"}}}
}

test_allow_disabled_endpoint if {
	count(deny) == 0 with input as {"config": {"InstanceId": "i-1", "MetadataOptions": {"HttpTokens": "optional", "HttpEndpoint": "disabled"}}}
}
