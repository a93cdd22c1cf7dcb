# METADATA
# title: S3 account-level public access block is not fully on
# description: "The account's S3 public access block must have BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets all true; one finding per setting that is false or missing (all four are false when the account has no block)."
# custom:
#   id: S3-AWS-003
#   severity: high
#   controls: [AC-2(6), AC-3, AC-3(7), AC-4(21), AC-6, AC-17, AC-17(1), AC-17(4), AC-17(9), AC-17(10), CM-6, CM-9, MP-2, SC-7, SC-7(3), SC-7(7), SC-7(9), SC-7(11), SC-7(12), SC-7(16), SC-7(20), SC-7(21), SC-7(24), SC-7(25), SC-7(26), SC-7(27), SC-7(28), SC-25]
#   resource_types: ["AWS::S3::AccountPublicAccessBlock"]
#   remediation: aws s3control put-public-access-block --account-id <account> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true.
package vigil.rules.aws.guards.s3_account_public_access_block

# The account in messages; a template's or plan's documents name none before deploy.
account := object.get(input, "account", "(the one it deploys to)")

flags := ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"]

deny contains {"msg": msg, "path": sprintf("config.%s", [flag])} if {
	some flag in flags
	object.get(input.config, flag, false) != true
	msg := sprintf("account %s S3 public access block has %s off", [account, flag])
}
