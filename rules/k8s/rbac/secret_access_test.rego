package vigil.rules.k8s.rbac.secret_access

role(rules) := {"name": "app", "config": {"rules": rules}}

test_deny_list_secrets if {
	count(deny) == 1 with input as role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}])
		with data.vigil.context.params.secret_reader_roles as []
}

test_deny_one_finding_per_rule_listing_the_verbs if {
	r := deny with input as role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["watch", "get", "list", "create"]}])
		with data.vigil.context.params.secret_reader_roles as []
	r == {{"msg": "app: rule 0 allows get, list, watch on all secrets", "path": "config.rules[0]"}}
}

test_deny_star_verb if {
	r := deny with input as role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["*"]}])
		with data.vigil.context.params.secret_reader_roles as []
	r == {{"msg": "app: rule 0 allows every verb (*) on all secrets", "path": "config.rules[0]"}}
}

test_deny_star_api_group if {
	r := deny with input as role([{"apiGroups": ["*"], "resources": ["secrets"], "verbs": ["get"]}])
		with data.vigil.context.params.secret_reader_roles as []
	r == {{"msg": `app: rule 0 allows get on all secrets (through apiGroups "*")`, "path": "config.rules[0]"}}
}

test_deny_star_resources_in_core_group if {
	r := deny with input as role([{"apiGroups": [""], "resources": ["*"], "verbs": ["list"]}])
		with data.vigil.context.params.secret_reader_roles as []
	r == {{"msg": `app: rule 0 allows list on all secrets (through resources "*")`, "path": "config.rules[0]"}}
}

test_deny_star_everything if {
	r := deny with input as role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
		with data.vigil.context.params.secret_reader_roles as []
	r == {{"msg": `app: rule 0 allows every verb (*) on all secrets (through apiGroups "*" and resources "*")`, "path": "config.rules[0]"}}
}

test_deny_core_among_other_groups if {
	count(deny) == 1 with input as role([{"apiGroups": ["apps", ""], "resources": ["deployments", "secrets"], "verbs": ["get"]}])
		with data.vigil.context.params.secret_reader_roles as []
}

test_deny_resource_names_named_in_message if {
	r := deny with input as role([{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["db-password", "api-token"], "verbs": ["get"]}])
		with data.vigil.context.params.secret_reader_roles as []
	r == {{"msg": "app: rule 0 allows get on secrets db-password, api-token", "path": "config.rules[0]"}}
}

test_deny_empty_resource_names_is_all_secrets if {
	r := deny with input as role([{"apiGroups": [""], "resources": ["secrets"], "resourceNames": [], "verbs": ["get"]}])
		with data.vigil.context.params.secret_reader_roles as []
	r == {{"msg": "app: rule 0 allows get on all secrets", "path": "config.rules[0]"}}
}

test_deny_each_rule_reported_with_its_index if {
	r := deny with input as role([
		{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]},
		{"apiGroups": ["*"], "resources": ["*"], "verbs": ["list"]},
	])
		with data.vigil.context.params.secret_reader_roles as []
	{f.path | some f in r} == {"config.rules[1]", "config.rules[2]"}
	count(r) == 2
}

test_allow_reviewed_role if {
	count(deny) == 0 with input as {"name": "external-secrets", "config": {"rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["get"]}]}}
		with data.vigil.context.params.secret_reader_roles as ["external-secrets"]
}

test_allow_system_role if {
	count(deny) == 0 with input as {"name": "system:controller:x", "config": {"rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]}}
		with data.vigil.context.params.secret_reader_roles as []
}

test_allow_configmaps if {
	count(deny) == 0 with input as role([{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}])
		with data.vigil.context.params.secret_reader_roles as []
}

test_allow_secret_subresource if {
	count(deny) == 0 with input as role([{"apiGroups": ["", "*"], "resources": ["secrets/status"], "verbs": ["get", "list", "watch"]}])
		with data.vigil.context.params.secret_reader_roles as []
}

test_allow_write_only_verbs if {
	count(deny) == 0 with input as role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create", "update", "delete"]}])
		with data.vigil.context.params.secret_reader_roles as []
}

test_allow_star_resources_in_other_group if {
	count(deny) == 0 with input as role([{"apiGroups": ["apps"], "resources": ["*"], "verbs": ["*"]}])
		with data.vigil.context.params.secret_reader_roles as []
}

test_allow_secrets_in_other_group if {
	count(deny) == 0 with input as role([{"apiGroups": ["example.com"], "resources": ["secrets"], "verbs": ["get"]}])
		with data.vigil.context.params.secret_reader_roles as []
}
