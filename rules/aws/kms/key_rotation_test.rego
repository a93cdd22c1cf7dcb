package vigil.rules.aws.kms.key_rotation

test_deny_off if {
	count(deny) == 1 with input as {"config": {"KeyId": "k", "KeySpec": "SYMMETRIC_DEFAULT", "Enabled": true, "KeyRotationEnabled": false}}
}

test_allow_on if {
	count(deny) == 0 with input as {"config": {"KeyId": "k", "KeySpec": "SYMMETRIC_DEFAULT", "Enabled": true, "KeyRotationEnabled": true}}
}

test_allow_unknown_or_asymmetric if {
	count(deny) == 0 with input as {"config": {"KeyId": "k", "KeySpec": "SYMMETRIC_DEFAULT", "Enabled": true}}
	count(deny) == 0 with input as {"config": {"KeyId": "k", "KeySpec": "RSA_2048", "Enabled": true, "KeyRotationEnabled": false}}
}
