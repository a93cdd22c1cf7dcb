package vigil.rules.aws.secretsmanager.customer_managed_key

test_deny_no_key if {
	r := deny with input as {"name": "s", "config": {"Name": "s", "RotationEnabled": true}}
	r == {{"msg": "secret s is encrypted with the AWS managed key aws/secretsmanager (no KmsKeyId)", "path": "config.KmsKeyId"}}
}

test_deny_aws_managed_alias if {
	count(deny) == 1 with input as {"name": "s", "config": {"Name": "s", "KmsKeyId": "alias/aws/secretsmanager"}}
}

test_deny_aws_managed_alias_arn if {
	count(deny) == 1 with input as {"name": "s", "config": {"Name": "s", "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:alias/aws/secretsmanager"}}
}

test_allow_customer_key if {
	count(deny) == 0 with input as {"name": "s", "config": {"Name": "s", "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}
}

test_allow_customer_alias if {
	count(deny) == 0 with input as {"name": "s", "config": {"Name": "s", "KmsKeyId": "alias/app-secrets"}}
}
