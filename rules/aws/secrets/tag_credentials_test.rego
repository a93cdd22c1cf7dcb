package vigil.rules.aws.secrets.tag_credentials

r := "(redacted by vigil) hmac-sha256:0123456789abcdef0123456789abcdef"

test_deny_redacted_tag if {
	d := deny with input as {"id": "arn:aws:ec2:us-east-1:123456789012:instance/i-1", "name": "web", "tags": {"db_password": r, "owner": "shop"}}
	d == {{"msg": "web: tag db_password carries a credential", "path": "tags[\"db_password\"]"}}
}

test_deny_every_tag if {
	count(deny) == 2 with input as {"id": "arn:aws:s3:::b", "name": "b", "tags": {"api-key": r, "note": r}}
}

test_allow_plain_tags if {
	count(deny) == 0 with input as {"id": "arn:aws:s3:::b", "name": "b", "tags": {"Name": "b", "secret_arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"}}
}

test_allow_no_tags if {
	count(deny) == 0 with input as {"id": "arn:aws:s3:::b", "name": "b", "tags": {}}
}
