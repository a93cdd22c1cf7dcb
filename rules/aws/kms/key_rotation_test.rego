package vigil.rules.aws.kms.key_rotation

key(extra) := {"type": "AWS::KMS::Key", "config": object.union(
	{"KeyId": "k", "KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled", "Enabled": true},
	extra,
)}

test_deny_rotation_off if {
	r := deny with input as key({"KeyRotationEnabled": false})
	r == {{"msg": "customer key k does not rotate automatically", "path": "config.KeyRotationEnabled"}}
}

test_allow_rotation_on if {
	count(deny) == 0 with input as key({"KeyRotationEnabled": true})
}

test_allow_rotation_unknown if {
	count(deny) == 0 with input as key({})
}

test_allow_asymmetric if {
	count(deny) == 0 with input as key({"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY", "KeyRotationEnabled": false})
}

test_allow_disabled_key if {
	count(deny) == 0 with input as key({"Enabled": false, "KeyState": "Disabled", "KeyRotationEnabled": false})
}

test_allow_aws_managed if {
	count(deny) == 0 with input as key({"KeyManager": "AWS", "KeyRotationEnabled": false})
}
