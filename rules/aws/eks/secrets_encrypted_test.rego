package vigil.rules.aws.eks.secrets_encrypted

key := "arn:aws:kms:us-east-1:111122223333:key/k"

test_deny_no_encryption_config if {
	r := deny with input as {"type": "AWS::EKS::Cluster", "config": {"Name": "prod", "EncryptionConfig": []}}
	r == {{"msg": "EKS cluster prod does not encrypt Kubernetes secrets with a KMS key (envelope encryption)", "path": "config.EncryptionConfig"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"config": {"Name": "prod"}}
}

test_deny_other_resources_only if {
	count(deny) == 1 with input as {"config": {"Name": "prod", "EncryptionConfig": [{"Resources": ["configmaps"], "Provider": {"KeyArn": key}}]}}
}

test_deny_secrets_without_key if {
	count(deny) == 1 with input as {"config": {"Name": "prod", "EncryptionConfig": [{"Resources": ["secrets"]}]}}
}

test_allow_secrets_with_key if {
	count(deny) == 0 with input as {"config": {"Name": "prod", "EncryptionConfig": [{"Resources": ["secrets"], "Provider": {"KeyArn": key}}]}}
}
