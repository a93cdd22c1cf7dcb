package vigil.rules.aws.acm.certificate_transparency

cert(type, options) := {"type": "AWS::ACM::Certificate", "config": {"CertificateArn": "arn:aws:acm:us-east-1:1:certificate/c", "DomainName": "example.com", "Type": type, "InUseBy": [], "Options": options}}

test_deny_disabled if {
	r := deny with input as cert("AMAZON_ISSUED", {"CertificateTransparencyLoggingPreference": "DISABLED"})
	r == {{"msg": "certificate example.com is not published to certificate transparency logs", "path": "config.Options.CertificateTransparencyLoggingPreference"}}
}

test_allow_enabled if {
	count(deny) == 0 with input as cert("AMAZON_ISSUED", {"CertificateTransparencyLoggingPreference": "ENABLED"})
}

test_allow_options_missing if {
	# ACM's default preference is ENABLED.
	count(deny) == 0 with input as {"config": {"CertificateArn": "arn:aws:acm:us-east-1:1:certificate/c", "Type": "AMAZON_ISSUED"}}
	count(deny) == 0 with input as cert("AMAZON_ISSUED", {})
}

test_allow_imported_and_private if {
	count(deny) == 0 with input as cert("IMPORTED", {"CertificateTransparencyLoggingPreference": "DISABLED"})
	count(deny) == 0 with input as cert("PRIVATE", {"CertificateTransparencyLoggingPreference": "DISABLED"})
}
