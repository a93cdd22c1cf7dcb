package vigil.rules.aws.idle.nat_gateway_unrouted

# Scan time 2026-01-01T00:00:00Z, idle_hours 72 (the defaults of the test runner, set
# explicitly where a test depends on them).

nat(config) := {
	"id": "arn:aws:ec2:us-east-1:123456789012:natgateway/nat-1", "type": "AWS::EC2::NatGateway",
	"tags": {},
	"config": object.union({"NatGatewayId": "nat-1", "VpcId": "vpc-1", "SubnetId": "subnet-1", "State": "available", "ConnectivityType": "public", "CreateTime": "2025-12-01T00:00:00Z", "RoutedBy": []}, config),
}

test_deny_unrouted_since_creation if {
	r := deny with input as nat({})
		with data.vigil.context.params.idle_hours as 72
		with data.vigil.context.now_ns as 1767225600000000000
	r == {{"msg": "NAT gateway nat-1 (vpc-1) has had no route table routing through it since 2025-12-01T00:00:00Z (31 days)", "path": "config.RoutedBy"}}
}

test_deny_unrouted_from_history if {
	r := deny with input as nat({})
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:natgateway/nat-1": "2025-12-20T00:00:00Z"}
	count(r) == 1
	some f in r
	contains(f.msg, "since 2025-12-20T00:00:00Z (12 days)")
}

test_allow_routed if {
	count(deny) == 0 with input as nat({"RoutedBy": ["rtb-1"]})
}

test_allow_recent if {
	count(deny) == 0 with input as nat({"CreateTime": "2025-12-31T00:00:00Z"})
	count(deny) == 0 with input as nat({})
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:natgateway/nat-1": "2025-12-31T12:00:00Z"}
}

test_allow_not_available if {
	count(deny) == 0 with input as nat({"State": "deleted"})
	count(deny) == 0 with input as nat({"State": "pending"})
}

test_allow_fields_missing if {
	# Without RoutedBy the routing is unknown; without any time the rule does not fire.
	count(deny) == 0 with input as {"id": "arn:aws:ec2:us-east-1:123456789012:natgateway/nat-1", "config": {"NatGatewayId": "nat-1", "State": "available", "CreateTime": "2025-01-01T00:00:00Z"}}
	count(deny) == 0 with input as {"id": "arn:aws:ec2:us-east-1:123456789012:natgateway/nat-1", "config": {"NatGatewayId": "nat-1", "State": "available", "RoutedBy": []}}
}
