package vigil.rules.aws.idle.eip_unassociated

test_deny_unassociated if {
	count(deny) == 1 with input as {"config": {"PublicIp": "203.0.113.5", "AllocationId": "eipalloc-1"}}
}

test_allow_associated if {
	count(deny) == 0 with input as {"config": {"PublicIp": "203.0.113.5", "AssociationId": "eipassoc-1"}}
}
