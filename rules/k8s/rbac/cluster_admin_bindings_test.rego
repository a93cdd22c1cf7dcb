package vigil.rules.k8s.rbac.cluster_admin_bindings

admin := {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"}

binding(role_ref, subjects) := {"name": "b", "config": {"roleRef": role_ref, "subjects": subjects}}

test_deny_authenticated_group if {
	r := deny with input as binding(admin, [{"kind": "Group", "name": "system:authenticated"}])
		with data.vigil.context.params.cluster_admin_subjects as ["system:authenticated"]
	r == {{"msg": "b: binds cluster-admin to Group system:authenticated", "path": "config.subjects[0]"}}
}

test_deny_user if {
	r := deny with input as binding(admin, [{"kind": "User", "name": "bob"}])
		with data.vigil.context.params.cluster_admin_subjects as ["system:masters"]
	r == {{"msg": "b: binds cluster-admin to User bob", "path": "config.subjects[0]"}}
}

test_deny_service_account_named_with_namespace if {
	r := deny with input as binding(admin, [{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}])
		with data.vigil.context.params.cluster_admin_subjects as ["system:masters"]
	r == {{"msg": "b: binds cluster-admin to ServiceAccount ci/deployer", "path": "config.subjects[0]"}}
}

test_deny_only_subjects_not_allowed if {
	r := deny with input as binding(admin, [
		{"kind": "Group", "name": "system:masters"},
		{"kind": "User", "name": "bob"},
		{"kind": "Group", "name": "system:unauthenticated"},
	])
		with data.vigil.context.params.cluster_admin_subjects as ["system:masters"]
	{f.path | some f in r} == {"config.subjects[1]", "config.subjects[2]"}
	count(r) == 2
}

test_deny_role_binding_to_cluster_admin if {
	count(deny) == 1 with input as {"name": "b", "config": {"metadata": {"namespace": "shop"}, "roleRef": admin, "subjects": [{"kind": "User", "name": "bob"}]}}
		with data.vigil.context.params.cluster_admin_subjects as ["system:masters"]
}

test_allow_masters if {
	count(deny) == 0 with input as binding(admin, [{"kind": "Group", "name": "system:masters"}])
		with data.vigil.context.params.cluster_admin_subjects as ["system:masters"]
}

test_allow_other_role if {
	count(deny) == 0 with input as binding({"kind": "ClusterRole", "name": "view"}, [{"kind": "User", "name": "bob"}])
		with data.vigil.context.params.cluster_admin_subjects as ["system:masters"]
}

test_allow_namespaced_role_named_cluster_admin if {
	count(deny) == 0 with input as {"name": "b", "config": {"metadata": {"namespace": "shop"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "cluster-admin"}, "subjects": [{"kind": "User", "name": "bob"}]}}
		with data.vigil.context.params.cluster_admin_subjects as ["system:masters"]
}

test_allow_role_ref_without_kind if {
	count(deny) == 0 with input as binding({"name": "cluster-admin"}, [{"kind": "User", "name": "bob"}])
		with data.vigil.context.params.cluster_admin_subjects as ["system:masters"]
}
