package vigil.lib.aws

test_allow_as_list_keeps_lists if {
	as_list(["a"]) == ["a"]
	as_list("a") == ["a"]
}

test_deny_missing_tags_lists_absent_and_empty if {
	missing_tags({"owner": "x", "environment": " "}, ["owner", "environment", "cost-center"]) == ["cost-center", "environment"]
}

test_allow_missing_tags_empty_when_all_present if {
	missing_tags({"owner": "x"}, ["owner"]) == []
}

test_statements_single_object if {
	count(statements({"Statement": {"Effect": "Allow", "Action": "*"}})) == 1
}

test_inline_policies_of_a_role if {
	ps := inline_policies({"type": "AWS::IAM::Role", "config": {"RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": []}}]}})
	ps == [{"name": "p", "document": {"Statement": []}}]
}

test_older_than_hours if {
	older_than_hours("2025-12-01T00:00:00Z", 72) with data.vigil.context.now_ns as 1767225600000000000
	not older_than_hours("2025-12-31T00:00:00Z", 72) with data.vigil.context.now_ns as 1767225600000000000
}

test_days_since if {
	days_since("2025-12-01T00:00:00Z") == 31 with data.vigil.context.now_ns as 1767225600000000000
}

test_label_prefers_name if {
	label({"id": "arn:aws:ec2:r:a:instance/i-1", "name": "web"}) == "web"
	label({"id": "arn:aws:ec2:r:a:instance/i-1"}) == "i-1"
	label({"id": "arn:aws:ec2:r:a:instance/i-1", "name": ""}) == "i-1"
}

test_reapable_by_tag if {
	reapable({"tags": {"environment": "dev"}}) == "environment=dev" with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
	reapable({"tags": {"environment": "sandbox", "owner": "a"}}) == "environment=sandbox" with data.vigil.context.params.reapable_tags as {"environment": ["dev", "sandbox"]}
	reapable({"tags": {"environment": "prod", "ttl": "24h"}}) == "ttl=24h" with data.vigil.context.params.reapable_tags as {"environment": ["dev"], "ttl": ["24h"]}
}

test_not_reapable if {
	not reapable({"tags": {"environment": "prod"}}) with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
	not reapable({"tags": {}}) with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
	not reapable({"config": {}}) with data.vigil.context.params.reapable_tags as {"environment": ["dev"]}
	not reapable({"tags": {"environment": "dev"}}) with data.vigil.context.params.reapable_tags as {}
}
