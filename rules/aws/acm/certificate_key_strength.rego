# METADATA
# title: ACM certificate uses a weak RSA key
# description: "Certificates must not use an RSA key of 1024 bits or fewer (KeyAlgorithm RSA_1024, RSA_512). A certificate without KeyAlgorithm is not judged."
# custom:
#   id: ACM-AWS-003
#   severity: high
#   controls: [SC-12, SC-13, SC-17]
#   resource_types: ["AWS::ACM::Certificate"]
#   remediation: Replace the certificate with one that has an RSA 2048-bit or larger, or an ECDSA P-256/P-384, key and move its users to it.
package vigil.rules.aws.acm.certificate_key_strength

deny contains {"msg": msg, "path": "config.KeyAlgorithm"} if {
	algorithm := upper(object.get(input.config, "KeyAlgorithm", ""))
	parts := regex.find_all_string_submatch_n(`^RSA[_-]?([0-9]+)$`, algorithm, 1)
	count(parts) == 1
	to_number(parts[0][1]) <= 1024
	msg := sprintf("certificate %s uses a weak %s key", [object.get(input.config, "DomainName", input.config.CertificateArn), input.config.KeyAlgorithm])
}
