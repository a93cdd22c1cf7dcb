package vigil.rules.aws.lambda.environment_kms

test_deny_variables_without_key if {
	r := deny with input as {"type": "AWS::Lambda::Function", "config": {"FunctionName": "hook", "Environment": {"Variables": {"STAGE": "(redacted by vigil) hmac-sha256:ab12"}}}}
	r == {{"msg": "Lambda function hook environment variables are not encrypted with a customer-managed KMS key", "path": "config.KMSKeyArn"}}
}

test_allow_variables_with_key if {
	count(deny) == 0 with input as {"config": {"FunctionName": "hook", "KMSKeyArn": "arn:aws:kms:us-east-1:111122223333:key/k", "Environment": {"Variables": {"STAGE": "x"}}}}
}

test_allow_environment_missing if {
	count(deny) == 0 with input as {"config": {"FunctionName": "hook"}}
}

test_allow_no_variables if {
	count(deny) == 0 with input as {"config": {"FunctionName": "hook", "Environment": {"Variables": {}}}}
}
