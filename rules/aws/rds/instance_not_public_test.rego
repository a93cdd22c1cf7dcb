package vigil.rules.aws.rds.instance_not_public

test_deny_public if {
	r := deny with input as {"config": {"DBInstanceIdentifier": "d", "PubliclyAccessible": true}}
	r == {{"msg": "DB instance d is publicly accessible", "path": "config.PubliclyAccessible"}}
}

test_allow_private if {
	count(deny) == 0 with input as {"config": {"DBInstanceIdentifier": "d", "PubliclyAccessible": false}}
}

test_allow_field_missing if {
	count(deny) == 0 with input as {"config": {"DBInstanceIdentifier": "d"}}
}
