# METADATA
# title: S3 bucket policy does not deny requests without TLS
# description: "The bucket policy must have a statement with Effect Deny, Principal * (or AWS: *), Action s3:* (or *) and Condition Bool aws:SecureTransport = false whose Resource covers both the bucket and bucket/*."
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

all_s3_actions(s) if {
	some a in as_list(s.Action)
	lower(a) in {"*", "s3:*"}
}

insecure_transport(s) if {
	some op in ["Bool", "BoolIfExists"]
	some k, v in s.Condition[op]
	lower(k) == "aws:securetransport"
	some x in as_list(v)
	lower(sprintf("%v", [x])) == "false"
}

# IAM wildcards: * any run of characters (including "/"), ? one character. Patterns with
# characters that are glob syntax but literal in IAM ([ ] { } \) are compared as they are,
# since glob.match rejects some of them.
covers(s, res) if {
	some pattern in as_list(s.Resource)
	plain_glob(pattern)
	glob.match(pattern, null, res)
}

covers(s, res) if {
	some pattern in as_list(s.Resource)
	not plain_glob(pattern)
	pattern == res
}

plain_glob(pattern) if not regex.match(`[\[\]{}\\]`, pattern)

statements := as_list(object.get(input.config, ["Policy", "Statement"], []))

tls_denied(res) if {
	some s in statements
	s.Effect == "Deny"
	everyone(s.Principal)
	all_s3_actions(s)
	insecure_transport(s)
	covers(s, res)
}

bucket_arn := sprintf("arn:aws:s3:::%s", [input.config.Name])

uncovered := [res |
	some res in [bucket_arn, sprintf("%s/*", [bucket_arn])]
	not tls_denied(res)
]

deny contains {"msg": msg, "path": "config.Policy"} if {
	not input.config.Policy
	msg := sprintf("bucket %s has no bucket policy, so requests without TLS are not denied", [input.config.Name])
}

deny contains {"msg": msg, "path": "config.Policy"} if {
	input.config.Policy
	count(uncovered) > 0
	msg := sprintf("bucket %s policy does not deny requests without TLS (aws:SecureTransport false) for %s", [input.config.Name, concat(" and ", uncovered)])
}
