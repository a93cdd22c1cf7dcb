package vigil.rules.aws.idle.eip_unassociated

# Scan time 2026-01-01T00:00:00Z, idle_hours 72 (the defaults of the test runner, set
# explicitly where a test depends on them).

eip(tags, config) := {
	"id": "arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-1", "type": "AWS::EC2::EIP",
	"tags": tags,
	"config": object.union({"PublicIp": "203.0.113.5", "AllocationId": "eipalloc-1"}, config),
}

test_deny_unassociated_from_history if {
	r := deny with input as eip({"environment": "dev"}, {})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-1": "2025-12-20T00:00:00Z"}
		with data.vigil.context.now_ns as 1767225600000000000
	count(r) == 1
	some f in r
	f.msg == "Elastic IP 203.0.113.5 has been unassociated since 2025-12-20T00:00:00Z (12 days); environment=dev"
	f.path == "config.AssociationId"
}

test_deny_empty_association_id_counts_as_none if {
	count(deny) == 1 with input as eip({"environment": "dev"}, {"AssociationId": ""})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-1": "2025-12-20T00:00:00Z"}
	count(deny) == 1 with input as eip({"environment": "dev"}, {"AssociationId": null})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-1": "2025-12-20T00:00:00Z"}
}

test_allow_associated if {
	count(deny) == 0 with input as eip({"environment": "dev"}, {"AssociationId": "eipassoc-1"})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-1": "2025-12-20T00:00:00Z"}
}

test_allow_without_history if {
	# The API gives no time for an address: without history the rule does not fire.
	count(deny) == 0 with input as eip({"environment": "dev"}, {})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
	count(deny) == 0 with input as eip({"environment": "dev"}, {})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-2": "2025-01-01T00:00:00Z"}
	count(deny) == 0 with input as eip({"environment": "dev"}, {})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-1": "not a time"}
}

test_allow_recently_unassociated if {
	count(deny) == 0 with input as eip({"environment": "dev"}, {})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-1": "2025-12-31T00:00:00Z"}
		with data.vigil.context.now_ns as 1767225600000000000
}

test_allow_not_reapable if {
	count(deny) == 0 with input as eip({"environment": "prod"}, {})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-1": "2025-01-01T00:00:00Z"}
	count(deny) == 0 with input as eip({"Name": "spare-ip"}, {})
		with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-1": "2025-01-01T00:00:00Z"}
}

test_allow_empty_params if {
	count(deny) == 0 with input as eip({"environment": "dev"}, {})
		with data.vigil.context.params.reapable_tags as {}
		with data.vigil.context.idle_since as {"arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-1": "2025-01-01T00:00:00Z"}
}
