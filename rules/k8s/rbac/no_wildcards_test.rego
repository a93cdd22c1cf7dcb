package vigil.rules.k8s.rbac.no_wildcards

test_deny_star_verbs_and_resources if {
	count(deny) == 2 with input as {"name": "ops", "config": {"rules": [{"apiGroups": [""], "resources": ["*"], "verbs": ["*"]}]}}
}

test_allow_system_role if {
	count(deny) == 0 with input as {"name": "system:controller:x", "config": {"rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]}}
}

test_allow_specific if {
	count(deny) == 0 with input as {"name": "reader", "config": {"rules": [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list"]}]}}
}
