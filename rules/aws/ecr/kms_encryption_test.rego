package vigil.rules.aws.ecr.kms_encryption

test_deny_aes256 if {
	r := deny with input as {"type": "AWS::ECR::Repository", "config": {"RepositoryName": "web", "EncryptionConfiguration": {"EncryptionType": "AES256"}}}
	r == {{"msg": "ECR repository web is not encrypted with a KMS key (encryption type AES256)", "path": "config.EncryptionConfiguration.EncryptionType"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"config": {"RepositoryName": "web"}}
}

test_allow_kms if {
	count(deny) == 0 with input as {"config": {"RepositoryName": "web", "EncryptionConfiguration": {"EncryptionType": "KMS", "KmsKey": "arn:aws:kms:us-east-1:111122223333:key/k"}}}
}

test_allow_kms_dsse if {
	count(deny) == 0 with input as {"config": {"RepositoryName": "web", "EncryptionConfiguration": {"EncryptionType": "KMS_DSSE"}}}
}
