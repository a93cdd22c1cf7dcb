package vigil.rules.aws.elb.drop_invalid_headers

lb(type, attrs) := {"type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "config": {"LoadBalancerName": "web", "Type": type, "Attributes": attrs, "Listeners": []}}

test_deny_off if {
	r := deny with input as lb("application", {"routing.http.drop_invalid_header_fields.enabled": "false"})
	r == {{"msg": "application load balancer web forwards invalid HTTP header fields (routing.http.drop_invalid_header_fields.enabled is false)", "path": "config.Attributes[\"routing.http.drop_invalid_header_fields.enabled\"]"}}
}

test_deny_attribute_missing if {
	count(deny) == 1 with input as lb("application", {})
	count(deny) == 1 with input as {"config": {"LoadBalancerName": "web"}}
}

test_allow_on if {
	count(deny) == 0 with input as lb("application", {"routing.http.drop_invalid_header_fields.enabled": "true"})
}

test_allow_network if {
	count(deny) == 0 with input as lb("network", {})
}
