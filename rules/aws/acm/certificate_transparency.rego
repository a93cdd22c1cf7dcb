# METADATA
# title: ACM certificate transparency logging is disabled
# description: "Amazon-issued certificates should be published to certificate transparency logs, so that certificates issued for the domain can be monitored. Only an explicit DISABLED preference fails (ACM's default is ENABLED); imported and private certificates are skipped (CT logging does not apply to them)."
# custom:
#   id: ACM-AWS-002
#   severity: low
#   controls: [SC-17]
#   resource_types: ["AWS::ACM::Certificate"]
#   remediation: aws acm update-certificate-options --certificate-arn <certificate> --options CertificateTransparencyLoggingPreference=ENABLED.
package vigil.rules.aws.acm.certificate_transparency

deny contains {"msg": msg, "path": "config.Options.CertificateTransparencyLoggingPreference"} if {
	not upper(object.get(input.config, "Type", "AMAZON_ISSUED")) in {"IMPORTED", "PRIVATE"}
	pref := object.get(object.get(input.config, "Options", {}), "CertificateTransparencyLoggingPreference", "ENABLED")
	upper(pref) == "DISABLED"
	msg := sprintf("certificate %s is not published to certificate transparency logs", [object.get(input.config, "DomainName", input.config.CertificateArn)])
}
