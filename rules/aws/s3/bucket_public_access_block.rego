# METADATA
# title: S3 bucket public access block is not fully on
# description: The bucket's PublicAccessBlockConfiguration must exist with BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets all true.
# custom:
#   id: NET-AWS-005
#   severity: critical
#   controls: [AC-2(6), AC-3, AC-3(7), AC-4(21), AC-6, AC-17, AC-17(1), AC-17(4), AC-17(9), AC-17(10), CM-6, CM-9, MP-2, SC-7, SC-7(3), SC-7(7), SC-7(9), SC-7(11), SC-7(12), SC-7(16), SC-7(20), SC-7(21), SC-7(24), SC-7(25), SC-7(26), SC-7(27), SC-7(28), SC-25]
#   resource_types: ["AWS::S3::Bucket"]
#   remediation: Turn on all four Block Public Access settings for the bucket (and for the account).
#   action: s3_block_public_access
package vigil.rules.aws.s3.bucket_public_access_block

flags := ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"]

deny contains {"msg": msg, "path": "config.PublicAccessBlockConfiguration"} if {
	not input.config.PublicAccessBlockConfiguration
	msg := sprintf("bucket %s has no public access block configuration", [input.config.Name])
}

# One finding per setting that is off (false or missing).
deny contains {"msg": msg, "path": sprintf("config.PublicAccessBlockConfiguration.%s", [flag])} if {
	cfg := input.config.PublicAccessBlockConfiguration
	some flag in flags
	object.get(cfg, flag, false) != true
	msg := sprintf("bucket %s public access block has %s off", [input.config.Name, flag])
}
