package vigil.rules.aws.waf.web_acl_logging

acl(extra) := {"type": "AWS::WAFv2::WebACL", "config": object.union({"Name": "edge", "Scope": "REGIONAL", "DefaultAction": "ALLOW", "Rules": [{"Name": "core", "Priority": 0}]}, extra)}

test_deny_no_destination if {
	r := deny with input as acl({"LogDestinationConfigs": []})
	r == {{"msg": "web ACL edge (REGIONAL) does not log requests", "path": "config.LogDestinationConfigs"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as acl({})
}

test_allow_logging if {
	count(deny) == 0 with input as acl({"LogDestinationConfigs": ["arn:aws:logs:us-east-1:1:log-group:aws-waf-logs-edge"]})
}
