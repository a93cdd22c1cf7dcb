package vigil.rules.aws.elb.desync_mitigation

lb(type, attrs) := {"type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "config": {"LoadBalancerName": "web", "Type": type, "Attributes": attrs, "Listeners": []}}

test_deny_monitor if {
	r := deny with input as lb("application", {"routing.http.desync_mitigation_mode": "monitor"})
	r == {{"msg": "application load balancer web desync mitigation mode is monitor, not defensive or strictest", "path": "config.Attributes[\"routing.http.desync_mitigation_mode\"]"}}
}

test_deny_attribute_missing if {
	r := deny with input as lb("application", {})
	count(r) == 1
	some f in r
	contains(f.msg, "mode is unset")
}

test_allow_defensive_and_strictest if {
	count(deny) == 0 with input as lb("application", {"routing.http.desync_mitigation_mode": "defensive"})
	count(deny) == 0 with input as lb("application", {"routing.http.desync_mitigation_mode": "strictest"})
}

test_allow_network if {
	count(deny) == 0 with input as lb("network", {})
}
