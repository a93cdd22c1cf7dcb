# METADATA
# title: S3 bucket default encryption is not SSE-KMS
# custom:
#   id: S3-AWS-001
#   severity: medium
#   controls: [AU-9(3), CM-6, CM-9, CP-9, CP-9(8), PM-11, SC-8(3), SC-8(4), SC-13, SC-16(1), SC-28(1), SI-19(4)]
#   resource_types: ["AWS::S3::Bucket"]
#   remediation: Set default encryption to SSE-KMS (aws:kms) with a customer-managed key and enable S3 Bucket Keys.
package vigil.rules.aws.s3.bucket_default_kms_encryption

kms := {"aws:kms", "aws:kms:dsse"}

algorithms := [d.SSEAlgorithm |
	some r in object.get(object.get(input.config, "ServerSideEncryptionConfiguration", {}), "Rules", [])
	d := r.ApplyServerSideEncryptionByDefault
]

deny contains {"msg": msg, "path": "config.ServerSideEncryptionConfiguration"} if {
	count(algorithms) == 0
	msg := sprintf("bucket %s has no default encryption configured", [input.config.Name])
}

deny contains {"msg": msg, "path": "config.ServerSideEncryptionConfiguration"} if {
	count(algorithms) > 0
	every a in algorithms {
		not a in kms
	}
	msg := sprintf("bucket %s uses %s (SSE-S3), not SSE-KMS", [input.config.Name, concat(", ", algorithms)])
}
