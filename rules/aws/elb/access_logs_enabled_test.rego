package vigil.rules.aws.elb.access_logs_enabled

lb(type, attrs) := {"type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "config": {"LoadBalancerName": "web", "Type": type, "Attributes": attrs, "Listeners": []}}

test_deny_off if {
	r := deny with input as lb("application", {"access_logs.s3.enabled": "false", "deletion_protection.enabled": "true"})
	r == {{"msg": "load balancer web does not write access logs (access_logs.s3.enabled is false)", "path": "config.Attributes[\"access_logs.s3.enabled\"]"}}
}

test_deny_attribute_missing if {
	r := deny with input as lb("network", {})
	count(r) == 1
	some f in r
	contains(f.msg, "access_logs.s3.enabled is unset")
	count(deny) == 1 with input as {"config": {"LoadBalancerName": "web"}}
}

test_allow_on if {
	count(deny) == 0 with input as lb("application", {"access_logs.s3.enabled": "true", "access_logs.s3.bucket": "logs"})
}

test_allow_gateway if {
	count(deny) == 0 with input as lb("gateway", {})
}
