package vigil.rules.aws.kms.key_pending_deletion

test_deny_pending if {
	r := deny with input as {"config": {"KeyId": "k", "KeyState": "PendingDeletion", "Enabled": false, "DeletionDate": "2026-02-01T00:00:00Z"}}
	r == {{"msg": "key k is scheduled for deletion on 2026-02-01T00:00:00Z", "path": "config.KeyState"}}
}

test_deny_pending_without_date if {
	r := deny with input as {"config": {"KeyId": "k", "KeyState": "PendingDeletion"}}
	some f in r
	contains(f.msg, "an unknown date")
}

test_allow_enabled if {
	count(deny) == 0 with input as {"config": {"KeyId": "k", "KeyState": "Enabled", "Enabled": true}}
}

test_allow_disabled if {
	count(deny) == 0 with input as {"config": {"KeyId": "k", "KeyState": "Disabled", "Enabled": false}}
}
