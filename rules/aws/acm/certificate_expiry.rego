# METADATA
# title: ACM certificate in use expires soon or has expired
# description: "Certificates in use (InUseBy not empty), whatever their status, must not expire within rules.params.certificate_expiry_days (default 30) of the scan; an expired one fails too. Certificates nothing uses are skipped: ACM does not renew them and they serve no traffic. A certificate in use without a readable NotAfter fails."
# custom:
#   id: ACM-AWS-001
#   severity: high
#   controls: [SC-7(12), SC-7(16)]
#   resource_types: ["AWS::ACM::Certificate"]
#   remediation: Renew or reimport the certificate (for an Amazon-issued one, fix its DNS or email validation so managed renewal succeeds) and make sure its users pick up the new one.
package vigil.rules.aws.acm.certificate_expiry

import data.vigil.lib.idle

day_ns := 86400000000000

threshold_days := object.get(data.vigil.context.params, "certificate_expiry_days", 30)

in_use if count(object.get(input.config, "InUseBy", [])) > 0

name := object.get(input.config, "DomainName", input.config.CertificateArn)

not_after := object.get(input.config, "NotAfter", null)

deny contains {"msg": msg, "path": "config.NotAfter"} if {
	in_use
	t := idle.timestamp_ns(not_after)
	t <= data.vigil.context.now_ns
	msg := sprintf("certificate %s expired on %s (%d days ago) and is still used by %d resource(s)", [name, not_after, floor((data.vigil.context.now_ns - t) / day_ns), count(input.config.InUseBy)])
}

deny contains {"msg": msg, "path": "config.NotAfter"} if {
	in_use
	t := idle.timestamp_ns(not_after)
	t > data.vigil.context.now_ns
	t - data.vigil.context.now_ns <= threshold_days * day_ns
	msg := sprintf("certificate %s expires on %s (in %d days, within %d)", [name, not_after, floor((t - data.vigil.context.now_ns) / day_ns), threshold_days])
}

deny contains {"msg": msg, "path": "config.NotAfter"} if {
	in_use
	not idle.timestamp_ns(not_after)
	msg := sprintf("certificate %s is in use but has no readable expiry date (NotAfter)", [name])
}
