package vigil.rules.aws.elb.listener_tls_policy

lb(listeners) := {"type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "config": {"LoadBalancerName": "web", "Type": "application", "Listeners": listeners}}

listener(protocol, policy) := {"Port": 443, "Protocol": protocol, "SslPolicy": policy, "Certificates": [], "DefaultActions": []}

test_deny_legacy_policy if {
	r := deny with input as lb([listener("HTTPS", "ELBSecurityPolicy-2016-08")])
	r == {{"msg": "load balancer web HTTPS listener on port 443 uses security policy ELBSecurityPolicy-2016-08, which allows protocols or ciphers older than TLS 1.2", "path": "config.Listeners[0].SslPolicy"}}
}

test_deny_tls13_with_tls10 if {
	count(deny) == 1 with input as lb([listener("TLS", "ELBSecurityPolicy-TLS13-1-0-2021-06")])
}

test_deny_policy_missing if {
	r := deny with input as lb([{"Port": 8443, "Protocol": "HTTPS"}])
	r == {{"msg": "load balancer web HTTPS listener on port 8443 uses no recorded security policy, which allows protocols or ciphers older than TLS 1.2", "path": "config.Listeners[0].SslPolicy"}}
}

test_allow_modern_policies if {
	count(deny) == 0 with input as lb([
		listener("HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06"),
		listener("TLS", "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"),
		listener("HTTPS", "ELBSecurityPolicy-FS-1-2-Res-2020-10"),
	])
}

test_allow_plain_listeners_ignored if {
	count(deny) == 0 with input as lb([{"Port": 80, "Protocol": "HTTP"}, {"Port": 6081, "Protocol": "GENEVE"}])
}

test_allow_param_overrides if {
	count(deny) == 0 with input as lb([listener("HTTPS", "ELBSecurityPolicy-2016-08")])
		with data.vigil.context.params.elb_ssl_policies as ["ELBSecurityPolicy-2016-08"]
	count(deny) == 1 with input as lb([listener("HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06")])
		with data.vigil.context.params.elb_ssl_policies as ["ELBSecurityPolicy-TLS13-1-3-2021-06"]
}
