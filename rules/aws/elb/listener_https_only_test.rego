package vigil.rules.aws.elb.listener_https_only

lb(type, listeners) := {"type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "config": {"LoadBalancerName": "web", "Type": type, "Scheme": "internet-facing", "Attributes": {}, "SecurityGroups": [], "Listeners": listeners}}

https := {"Port": 443, "Protocol": "HTTPS", "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "Certificates": [{"CertificateArn": "arn:aws:acm:us-east-1:1:certificate/c"}], "DefaultActions": [{"Type": "forward"}]}

redirect := {"Port": 80, "Protocol": "HTTP", "Certificates": [], "DefaultActions": [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]}

test_deny_plain_http if {
	r := deny with input as lb("application", [https, {"Port": 80, "Protocol": "HTTP", "Certificates": [], "DefaultActions": [{"Type": "forward"}]}])
	r == {{"msg": "load balancer web listener on port 80 uses HTTP without redirecting to HTTPS", "path": "config.Listeners[1]"}}
}

test_deny_redirect_keeps_protocol if {
	count(deny) == 1 with input as lb("application", [{"Port": 80, "Protocol": "HTTP", "DefaultActions": [{"Type": "redirect", "RedirectConfig": {"Protocol": "#{protocol}", "Port": "443"}}]}])
}

test_deny_some_actions_not_redirect if {
	count(deny) == 1 with input as lb("application", [{"Port": 80, "Protocol": "HTTP", "DefaultActions": [
		{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS"}},
		{"Type": "forward"},
	]}])
}

test_deny_nlb_tcp if {
	r := deny with input as lb("network", [{"Port": 5432, "Protocol": "TCP", "Certificates": [], "DefaultActions": [{"Type": "forward"}]}])
	r == {{"msg": "load balancer web listener on port 5432 uses TCP without redirecting to HTTPS", "path": "config.Listeners[0]"}}
}

test_deny_type_missing_counts_as_application if {
	count(deny) == 1 with input as {"config": {"LoadBalancerName": "web", "Listeners": [{"Port": 80, "Protocol": "HTTP"}]}}
}

test_deny_protocol_missing if {
	r := deny with input as lb("application", [{"Port": 81}])
	r == {{"msg": "load balancer web listener on port 81 uses an unknown protocol without redirecting to HTTPS", "path": "config.Listeners[0]"}}
}

test_allow_https_and_redirect if {
	count(deny) == 0 with input as lb("application", [https, redirect])
}

test_allow_nlb_tls if {
	count(deny) == 0 with input as lb("network", [{"Port": 443, "Protocol": "TLS", "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "DefaultActions": [{"Type": "forward"}]}])
}

test_allow_gateway if {
	count(deny) == 0 with input as lb("gateway", [{"Port": 6081, "Protocol": "GENEVE", "DefaultActions": [{"Type": "forward"}]}])
}

test_allow_no_listeners if {
	count(deny) == 0 with input as {"config": {"LoadBalancerName": "web", "Type": "application"}}
}
