package vigil.rules.aws.waf.web_acl_has_rules

acl(extra) := {"type": "AWS::WAFv2::WebACL", "config": object.union({"Name": "edge", "Scope": "REGIONAL", "DefaultAction": "ALLOW", "LogDestinationConfigs": []}, extra)}

test_deny_no_rules if {
	r := deny with input as acl({"Rules": []})
	r == {{"msg": "web ACL edge has no rules; every request gets its default action ALLOW", "path": "config.Rules"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"config": {"Name": "edge"}}
}

test_allow_rules if {
	count(deny) == 0 with input as acl({"Rules": [{"Name": "AWS-AWSManagedRulesCommonRuleSet", "Priority": 0}]})
}
