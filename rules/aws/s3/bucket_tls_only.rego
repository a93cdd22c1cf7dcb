# METADATA
# title: S3 bucket policy does not deny requests without TLS
# custom:
#   id: S3-AWS-002
#   severity: medium
#   controls: [AC-4, AC-4(22), AC-17(2), AC-24(1), AU-9(3), CA-9, CM-6, CM-9, IA-5(1), PM-11, PM-17, SC-7(4), SC-7(5), SC-8, SC-8(1), SC-8(2), SC-8(3), SC-8(4), SC-8(5), SC-13, SC-16(1), SC-23, SI-1]
#   resource_types: ["AWS::S3::Bucket"]
#   remediation: "Add a bucket policy statement: Effect Deny, Principal *, Action s3:*, Resource the bucket and bucket/*, Condition Bool aws:SecureTransport false."
package vigil.rules.aws.s3.bucket_tls_only

as_list(x) := x if is_array(x)

as_list(x) := [x] if not is_array(x)

everyone(p) if p == "*"

everyone(p) if "*" in as_list(p.AWS)

insecure(s) if {
	v := s.Condition.Bool["aws:SecureTransport"]
	lower(sprintf("%v", [v])) == "false"
}

covers(s, res) if {
	some r in as_list(s.Resource)
	glob.match(r, [], res)
}

tls_denied(res) if {
	some s in as_list(object.get(object.get(input.config, "Policy", {}), "Statement", []))
	s.Effect == "Deny"
	everyone(s.Principal)
	insecure(s)
	covers(s, res)
}

deny contains {"msg": msg, "path": "config.Policy"} if {
	bucket := sprintf("arn:aws:s3:::%s", [input.config.Name])
	some res in [bucket, sprintf("%s/object", [bucket])]
	not tls_denied(res)
	msg := sprintf("bucket %s accepts requests without TLS (no Deny on aws:SecureTransport=false for %s)", [input.config.Name, res])
}
