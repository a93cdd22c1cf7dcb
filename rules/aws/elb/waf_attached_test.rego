package vigil.rules.aws.elb.waf_attached

lb(type, scheme, extra) := {"type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "config": object.union({"LoadBalancerName": "web", "Type": type, "Scheme": scheme, "Attributes": {}, "Listeners": []}, extra)}

test_deny_no_web_acl if {
	r := deny with input as lb("application", "internet-facing", {})
	r == {{"msg": "internet-facing application load balancer web is not protected by a WAF web ACL", "path": "config.WebACLArn"}}
}

test_deny_empty_web_acl if {
	count(deny) == 1 with input as lb("application", "internet-facing", {"WebACLArn": ""})
}

test_deny_scheme_and_type_missing if {
	count(deny) == 1 with input as {"config": {"LoadBalancerName": "web"}}
}

test_allow_web_acl if {
	count(deny) == 0 with input as lb("application", "internet-facing", {"WebACLArn": "arn:aws:wafv2:us-east-1:1:regional/webacl/w/1"})
}

test_allow_internal if {
	count(deny) == 0 with input as lb("application", "internal", {})
}

test_allow_network if {
	count(deny) == 0 with input as lb("network", "internet-facing", {})
}
