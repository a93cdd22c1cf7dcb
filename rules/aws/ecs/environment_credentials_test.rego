package vigil.rules.aws.ecs.environment_credentials

redacted := "(redacted by vigil) hmac-sha256:ab12"

task(containers) := {"type": "AWS::ECS::TaskDefinition", "config": {"Family": "web", "ContainerDefinitions": containers}}

test_deny_password_in_environment if {
	r := deny with input as task([{"Name": "app", "Environment": [
		{"Name": "LOG_LEVEL", "Value": redacted},
		{"Name": "DB_PASSWORD", "Value": redacted},
	]}])
	r == {{"msg": "task definition web: container app passes environment variable DB_PASSWORD in plain text; use secrets", "path": "config.ContainerDefinitions[0].Environment[1]"}}
}

test_deny_each_credential if {
	count(deny) == 3 with input as task([
		{"Name": "a", "Environment": [{"Name": "apiKey", "Value": redacted}, {"Name": "GITHUB_TOKEN", "Value": redacted}]},
		{"Name": "b", "Environment": [{"Name": "AWS_SECRET_ACCESS_KEY", "Value": redacted}]},
	])
}

test_allow_names_about_credentials if {
	count(deny) == 0 with input as task([{"Name": "app", "Environment": [
		{"Name": "SECRET_NAME", "Value": redacted},
		{"Name": "TOKEN_TTL", "Value": redacted},
		{"Name": "DB_PASSWORD_SECRET_ARN", "Value": redacted},
	]}])
}

test_allow_secrets_references if {
	count(deny) == 0 with input as task([{"Name": "app", "Environment": [], "Secrets": [{"Name": "DB_PASSWORD", "ValueFrom": "arn:aws:secretsmanager:us-east-1:111122223333:secret:db"}]}])
}

test_allow_empty_value if {
	count(deny) == 0 with input as task([{"Name": "app", "Environment": [{"Name": "DB_PASSWORD", "Value": ""}]}])
}

test_allow_environment_missing if {
	count(deny) == 0 with input as task([{"Name": "app"}, {"Name": "b", "Environment": [{"Value": redacted}]}])
}
