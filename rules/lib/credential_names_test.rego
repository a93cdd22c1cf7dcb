package vigil.lib.credential_names

test_words_split if {
	words("dbPassword") == ["db", "password"]
	words("AWSSecretAccessKey") == ["aws", "secret", "access", "key"]
	words("GITHUB_TOKEN") == ["github", "token"]
	words("api-key.v2") == ["api", "key", "v", "2"]
	words("PASSWORD2") == ["password", "2"]
	words("") == []
}

test_deny_credential_names if {
	every n in [
		"DB_PASSWORD",
		"password",
		"MYSQL_ROOT_PASSWD",
		"dbPassword",
		"GITHUB_TOKEN",
		"CLIENT_SECRET",
		"API_KEY",
		"apiKey",
		"STRIPE_APIKEY",
		"AWS_SECRET_ACCESS_KEY",
		"AWS_ACCESS_KEY",
		"PRIVATE_KEY",
		"SSH_PRIVATE_KEY_PEM",
		"GOOGLE_CREDENTIALS",
		"DB_CREDS",
		"SECRET_KEY",
		"DJANGO_SECRET_KEY",
		"SMTP_PASS",
		"PASSWORD2",
		"jwt-secret",
		"Secret",
	] {
		credential(n)
	}
}

test_allow_names_about_credentials if {
	every n in [
		"SECRET_NAME",
		"TOKEN_TTL",
		"DB_SECRET_ARN",
		"AWS_ACCESS_KEY_ID",
		"PASSWORD_FILE",
		"TOKEN_URL",
		"SECRETS_MANAGER_ENDPOINT",
		"PASSWORD_MIN_LENGTH",
		"DB_PASSWORD_PARAM",
		"TOKEN_EXPIRY_SECONDS",
		"LOG_LEVEL",
		"SECRETARY_EMAIL",
		"TOKENIZER_MODEL",
		"PARTITION_KEY",
		"KEY",
		"PASS_THROUGH",
		"BYPASS",
		"PWD",
		"",
		"USE_SECRETS_MANAGER",
	] {
		not credential(n)
	}
}
