package vigil.rules.aws.iam.root_no_access_keys

test_deny_keys_present if {
	count(deny) == 1 with input as {"config": {"AccountAccessKeysPresent": true}}
}

test_deny_report_active_key if {
	count(deny) == 1 with input as {"config": {"AccountAccessKeysPresent": false, "Credential": {"access_key_2_active": true}}}
}

test_allow_no_keys if {
	count(deny) == 0 with input as {"config": {"AccountAccessKeysPresent": false, "Credential": {"access_key_1_active": false}}}
}
