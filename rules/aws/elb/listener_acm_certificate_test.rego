package vigil.rules.aws.elb.listener_acm_certificate

lb(listeners) := {"type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "config": {"LoadBalancerName": "web", "Type": "application", "Listeners": listeners}}

listener(arns) := {"Port": 443, "Protocol": "HTTPS", "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "Certificates": [{"CertificateArn": a} | some a in arns], "DefaultActions": []}

test_deny_iam_certificate if {
	r := deny with input as lb([listener(["arn:aws:acm:us-east-1:1:certificate/c", "arn:aws:iam::1:server-certificate/old"])])
	r == {{"msg": "load balancer web HTTPS listener on port 443 uses certificate arn:aws:iam::1:server-certificate/old, which is not from ACM", "path": "config.Listeners[0].Certificates[1]"}}
}

test_deny_no_certificate if {
	r := deny with input as lb([{"Port": 443, "Protocol": "TLS"}])
	r == {{"msg": "load balancer web TLS listener on port 443 has no recorded certificate", "path": "config.Listeners[0].Certificates"}}
}

test_deny_certificate_arn_missing if {
	count(deny) == 1 with input as lb([{"Port": 443, "Protocol": "HTTPS", "Certificates": [{}]}])
}

test_allow_acm if {
	count(deny) == 0 with input as lb([
		listener(["arn:aws:acm:us-east-1:1:certificate/c"]),
		listener(["arn:aws-us-gov:acm:us-gov-west-1:1:certificate/c"]),
	])
}

test_allow_http_listener if {
	count(deny) == 0 with input as lb([{"Port": 80, "Protocol": "HTTP", "Certificates": []}])
}
