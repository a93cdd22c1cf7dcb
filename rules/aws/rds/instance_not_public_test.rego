package vigil.rules.aws.rds.instance_not_public

test_deny_public if {
	count(deny) == 1 with input as {"config": {"DBInstanceIdentifier": "d", "PubliclyAccessible": true}}
}

test_allow_private if {
	count(deny) == 0 with input as {"config": {"DBInstanceIdentifier": "d", "PubliclyAccessible": false}}
}
