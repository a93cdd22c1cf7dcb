package vigil.rules.aws.secretsmanager.rotation_enabled

test_deny_rotation_off if {
	r := deny with input as {"name": "db-pass", "type": "AWS::SecretsManager::Secret", "config": {"Name": "db-pass", "RotationEnabled": false}}
	r == {{"msg": "secret db-pass does not rotate automatically", "path": "config.RotationEnabled"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"name": "db-pass", "config": {"Name": "db-pass"}}
}

test_allow_rotation_on if {
	count(deny) == 0 with input as {"name": "db-pass", "config": {"Name": "db-pass", "RotationEnabled": true, "RotationRules": {"AutomaticallyAfterDays": 30}}}
}
