# METADATA
# title: S3 bucket default encryption is not SSE-KMS
# description: The bucket's default encryption must be SSE-KMS (aws:kms) or dual-layer SSE-KMS (aws:kms:dsse). Buckets without default encryption and buckets that only use SSE-S3 (AES256) fail.
# custom:
#   id: S3-AWS-001
#   severity: medium
#   controls: [AU-9(3), CM-6, CM-9, CP-9, CP-9(8), PM-11, SC-8(3), SC-8(4), SC-13, SC-16(1), SC-28(1), SI-19(4)]
#   resource_types: ["AWS::S3::Bucket"]
#   remediation: Set default encryption to SSE-KMS (aws:kms) with a customer-managed key and enable S3 Bucket Keys.
#   action: s3_default_encryption
package vigil.rules.aws.s3.bucket_default_kms_encryption

kms_algorithms := {"aws:kms", "aws:kms:dsse"}

sse_rules := object.get(input.config, ["ServerSideEncryptionConfiguration", "Rules"], [])

# Index and algorithm of every rule that sets a default algorithm.
algorithms := [[i, a] |
	some i, r in sse_rules
	a := r.ApplyServerSideEncryptionByDefault.SSEAlgorithm
]

uses_kms if {
	some [_, a] in algorithms
	a in kms_algorithms
}

deny contains {"msg": msg, "path": "config.ServerSideEncryptionConfiguration"} if {
	count(algorithms) == 0
	msg := sprintf("bucket %s has no default encryption configured (SSE-KMS required)", [input.config.Name])
}

deny contains {"msg": msg, "path": path} if {
	count(algorithms) > 0
	not uses_kms
	[i, _] := algorithms[0]
	path := sprintf("config.ServerSideEncryptionConfiguration.Rules[%d].ApplyServerSideEncryptionByDefault.SSEAlgorithm", [i])
	names := [a | some [_, a] in algorithms]
	msg := sprintf("bucket %s only uses SSE-S3 default encryption (%s), not SSE-KMS", [input.config.Name, concat(", ", names)])
}
