package vigil.rules.aws.elb.deletion_protection

lb(attrs) := {"type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "config": {"LoadBalancerName": "web", "Type": "gateway", "Attributes": attrs, "Listeners": []}}

test_deny_off if {
	r := deny with input as lb({"deletion_protection.enabled": "false"})
	r == {{"msg": "load balancer web has deletion protection off (deletion_protection.enabled is false)", "path": "config.Attributes[\"deletion_protection.enabled\"]"}}
}

test_deny_attribute_missing if {
	count(deny) == 1 with input as lb({})
	count(deny) == 1 with input as {"config": {"LoadBalancerName": "web"}}
}

test_allow_on if {
	count(deny) == 0 with input as lb({"deletion_protection.enabled": "true"})
}
