package vigil.rules.aws.lambda.function_url_auth

test_deny_auth_none if {
	r := deny with input as {"type": "AWS::Lambda::Function", "config": {"FunctionName": "hook", "FunctionUrlAuthType": "NONE"}}
	r == {{"msg": "Lambda function hook has a function URL without authentication (auth type NONE)", "path": "config.FunctionUrlAuthType"}}
}

test_allow_iam_auth if {
	count(deny) == 0 with input as {"config": {"FunctionName": "hook", "FunctionUrlAuthType": "AWS_IAM"}}
}

test_allow_no_url if {
	count(deny) == 0 with input as {"config": {"FunctionName": "hook"}}
}
