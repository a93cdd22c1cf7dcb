package vigil.rules.aws.kms.key_pending_deletion

test_deny_pending if {
	r := deny with input as {"config": {"KeyId": "k", "KeyState": "PendingDeletion", "DeletionDate": "2026-02-01T00:00:00Z"}}
	some f in r
	contains(f.msg, "2026-02-01")
}

test_allow_enabled if {
	count(deny) == 0 with input as {"config": {"KeyId": "k", "KeyState": "Enabled"}}
}
