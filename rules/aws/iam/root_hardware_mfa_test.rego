package vigil.rules.aws.iam.root_hardware_mfa

test_deny_no_mfa if {
	r := deny with input as {"config": {"AccountMFAEnabled": false, "HardwareMFA": false}}
	count(r) == 1
	some f in r
	contains(f.msg, "no MFA")
}

test_deny_virtual if {
	r := deny with input as {"config": {"AccountMFAEnabled": true, "HardwareMFA": false}}
	some f in r
	contains(f.msg, "virtual")
}

test_allow_hardware if {
	count(deny) == 0 with input as {"config": {"AccountMFAEnabled": true, "HardwareMFA": true}}
}
