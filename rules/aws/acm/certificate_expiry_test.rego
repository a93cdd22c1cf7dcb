package vigil.rules.aws.acm.certificate_expiry

# Scan time 2026-01-01T00:00:00Z (the test runner's).

cert(extra) := {"type": "AWS::ACM::Certificate", "config": object.union({
	"CertificateArn": "arn:aws:acm:us-east-1:1:certificate/c", "DomainName": "example.com",
	"Status": "ISSUED", "Type": "AMAZON_ISSUED", "KeyAlgorithm": "RSA_2048",
	"InUseBy": ["arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/web/1"],
}, extra)}

test_deny_expires_soon if {
	r := deny with input as cert({"NotAfter": "2026-01-15T00:00:00Z"})
	r == {{"msg": "certificate example.com expires on 2026-01-15T00:00:00Z (in 14 days, within 30)", "path": "config.NotAfter"}}
}

test_deny_expired if {
	r := deny with input as cert({"Status": "EXPIRED", "NotAfter": "2025-12-22T00:00:00Z"})
	r == {{"msg": "certificate example.com expired on 2025-12-22T00:00:00Z (10 days ago) and is still used by 1 resource(s)", "path": "config.NotAfter"}}
}

test_deny_not_after_missing if {
	r := deny with input as cert({})
	count(r) == 1
	some f in r
	contains(f.msg, "no readable expiry date")
}

test_deny_param if {
	count(deny) == 1 with input as cert({"NotAfter": "2026-03-01T00:00:00Z"})
		with data.vigil.context.params.certificate_expiry_days as 90
}

test_allow_far_expiry if {
	count(deny) == 0 with input as cert({"NotAfter": "2026-06-01T00:00:00Z"})
}

test_allow_unused if {
	count(deny) == 0 with input as cert({"InUseBy": [], "NotAfter": "2026-01-15T00:00:00Z"})
	count(deny) == 0 with input as {"config": {"CertificateArn": "arn:aws:acm:us-east-1:1:certificate/c", "Status": "EXPIRED", "NotAfter": "2025-01-01T00:00:00Z"}}
}
