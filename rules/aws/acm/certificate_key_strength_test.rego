package vigil.rules.aws.acm.certificate_key_strength

cert(alg) := {"type": "AWS::ACM::Certificate", "config": {"CertificateArn": "arn:aws:acm:us-east-1:1:certificate/c", "DomainName": "example.com", "KeyAlgorithm": alg, "InUseBy": []}}

test_deny_rsa_1024 if {
	r := deny with input as cert("RSA_1024")
	r == {{"msg": "certificate example.com uses a weak RSA_1024 key", "path": "config.KeyAlgorithm"}}
}

test_deny_rsa_512 if {
	count(deny) == 1 with input as cert("RSA_512")
}

test_allow_strong_keys if {
	count(deny) == 0 with input as cert("RSA_2048")
	count(deny) == 0 with input as cert("RSA_4096")
	count(deny) == 0 with input as cert("EC_prime256v1")
	count(deny) == 0 with input as cert("EC_secp384r1")
}

test_allow_algorithm_missing if {
	count(deny) == 0 with input as {"config": {"CertificateArn": "arn:aws:acm:us-east-1:1:certificate/c", "InUseBy": []}}
}
