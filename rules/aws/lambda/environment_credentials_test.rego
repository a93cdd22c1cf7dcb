package vigil.rules.aws.lambda.environment_credentials

redacted := "(redacted by vigil) hmac-sha256:ab12"

fn(vars) := {"type": "AWS::Lambda::Function", "config": {"FunctionName": "hook", "Environment": {"Variables": vars}}}

test_deny_token_in_environment if {
	r := deny with input as fn({"LOG_LEVEL": redacted, "SLACK_TOKEN": redacted})
	r == {{"msg": "Lambda function hook passes environment variable SLACK_TOKEN in plain text; use Secrets Manager or SSM Parameter Store", "path": "config.Environment.Variables[\"SLACK_TOKEN\"]"}}
}

test_deny_each_credential if {
	count(deny) == 3 with input as fn({"dbPassword": redacted, "STRIPE_API_KEY": redacted, "PRIVATE_KEY": redacted, "TABLE": redacted})
}

test_allow_names_about_credentials if {
	count(deny) == 0 with input as fn({"SECRET_NAME": redacted, "TOKEN_TTL": redacted, "DB_SECRET_ARN": redacted})
}

test_allow_empty_value if {
	count(deny) == 0 with input as fn({"DB_PASSWORD": ""})
}

test_allow_environment_missing if {
	count(deny) == 0 with input as {"config": {"FunctionName": "hook"}}
}
