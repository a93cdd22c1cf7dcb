package vigil.rules.k8s.rbac.secret_access

test_deny_list_secrets if {
	count(deny) == 1 with input as {"name": "app", "config": {"rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}]}}
		with data.vigil.context.params.secret_reader_roles as []
}

test_allow_reviewed_role if {
	count(deny) == 0 with input as {"name": "external-secrets", "config": {"rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]}}
		with data.vigil.context.params.secret_reader_roles as ["external-secrets"]
}

test_allow_configmaps if {
	count(deny) == 0 with input as {"name": "app", "config": {"rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}]}}
		with data.vigil.context.params.secret_reader_roles as []
}
