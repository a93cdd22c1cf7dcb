package vigil.rules.k8s.rbac.cluster_admin_bindings

test_deny_authenticated_group if {
	count(deny) == 1 with input as {"name": "b", "config": {"roleRef": {"name": "cluster-admin"}, "subjects": [{"kind": "Group", "name": "system:authenticated"}]}}
		with data.vigil.context.params.cluster_admin_subjects as ["system:authenticated"]
}

test_deny_user if {
	count(deny) == 1 with input as {"name": "b", "config": {"roleRef": {"name": "cluster-admin"}, "subjects": [{"kind": "User", "name": "bob"}]}}
		with data.vigil.context.params.cluster_admin_subjects as ["system:masters"]
}

test_allow_masters if {
	count(deny) == 0 with input as {"name": "b", "config": {"roleRef": {"name": "cluster-admin"}, "subjects": [{"kind": "Group", "name": "system:masters"}]}}
		with data.vigil.context.params.cluster_admin_subjects as ["system:masters"]
}

test_allow_other_role if {
	count(deny) == 0 with input as {"name": "b", "config": {"roleRef": {"name": "view"}, "subjects": [{"kind": "User", "name": "bob"}]}}
}
