# METADATA
# title: ECR repository is not encrypted with a KMS key
# description: "EncryptionConfiguration.EncryptionType must be KMS or KMS_DSSE; AES256, or no EncryptionConfiguration, means S3-managed keys."
# custom:
#   id: ECR-AWS-003
#   severity: low
#   controls: [SC-12, SC-28(1)]
#   resource_types: ["AWS::ECR::Repository"]
#   remediation: Encryption cannot be changed after creation; create a new repository with --encryption-configuration encryptionType=KMS,kmsKey=<key arn>, push the images there and delete the old one.
package vigil.rules.aws.ecr.kms_encryption

deny contains {"msg": msg, "path": "config.EncryptionConfiguration.EncryptionType"} if {
	kind := object.get(input.config, ["EncryptionConfiguration", "EncryptionType"], "AES256")
	not kind in {"KMS", "KMS_DSSE"}
	msg := sprintf("ECR repository %s is not encrypted with a KMS key (encryption type %s)", [input.config.RepositoryName, kind])
}
