package vigil.rules.k8s.idle.binding_missing_service_account

inv := {"c1": {"service_accounts": {"shop": {"web": {}, "api": {"automountServiceAccountToken": false}}, "ops": {"deployer": {}}}}}

role_binding(subjects) := {
	"type": "K8s::rbac.authorization.k8s.io::RoleBinding", "name": "web-reader", "account": "c1", "region": "shop",
	"config": {"metadata": {"name": "web-reader", "namespace": "shop"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"}, "subjects": subjects},
}

cluster_binding(subjects) := {
	"type": "K8s::rbac.authorization.k8s.io::ClusterRoleBinding", "name": "deployers", "account": "c1",
	"config": {"metadata": {"name": "deployers"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"}, "subjects": subjects},
}

test_allow_existing_service_accounts if {
	count(deny) == 0 with input as role_binding([{"kind": "ServiceAccount", "name": "web"}, {"kind": "ServiceAccount", "name": "api", "namespace": "shop"}]) with data.vigil.inventory.k8s as inv
}

test_deny_missing_service_account_in_binding_namespace if {
	r := deny with input as role_binding([{"kind": "ServiceAccount", "name": "web"}, {"kind": "ServiceAccount", "name": "old-job"}]) with data.vigil.inventory.k8s as inv
	count(r) == 1
	some f in r
	f.msg == "web-reader: binds role Role/reader to service account shop/old-job, which does not exist"
	f.path == "config.subjects[1]"
}

test_deny_subject_namespace_overrides_binding_namespace if {
	r := deny with input as role_binding([{"kind": "ServiceAccount", "name": "web", "namespace": "ops"}]) with data.vigil.inventory.k8s as inv
	count(r) == 1
	some f in r
	contains(f.msg, "service account ops/web,")
}

test_allow_subject_in_other_namespace if {
	count(deny) == 0 with input as role_binding([{"kind": "ServiceAccount", "name": "deployer", "namespace": "ops"}]) with data.vigil.inventory.k8s as inv
}

test_deny_one_per_missing_subject if {
	r := deny with input as cluster_binding([
		{"kind": "ServiceAccount", "name": "deployer", "namespace": "ops"},
		{"kind": "ServiceAccount", "name": "ci", "namespace": "ops"},
		{"kind": "ServiceAccount", "name": "ci", "namespace": "gone"},
	]) with data.vigil.inventory.k8s as inv
	{f.path | some f in r} == {"config.subjects[1]", "config.subjects[2]"}
	some f in r
	f.msg == "deployers: binds role ClusterRole/edit to service account gone/ci, which does not exist"
}

test_allow_users_and_groups if {
	count(deny) == 0 with input as cluster_binding([{"kind": "User", "name": "alice", "apiGroup": "rbac.authorization.k8s.io"}, {"kind": "Group", "name": "system:masters", "apiGroup": "rbac.authorization.k8s.io"}]) with data.vigil.inventory.k8s as inv
}

test_allow_no_subjects if {
	count(deny) == 0 with input as cluster_binding([]) with data.vigil.inventory.k8s as inv
	count(deny) == 0 with input as {"type": "K8s::rbac.authorization.k8s.io::ClusterRoleBinding", "name": "x", "account": "c1", "config": {"roleRef": {"kind": "ClusterRole", "name": "view"}}} with data.vigil.inventory.k8s as inv
}

test_deny_no_service_accounts_in_inventory if {
	count(deny) == 1 with input as role_binding([{"kind": "ServiceAccount", "name": "web"}]) with data.vigil.inventory.k8s as {"c1": {}}
	count(deny) == 1 with input as role_binding([{"kind": "ServiceAccount", "name": "web"}]) with data.vigil.inventory.k8s as {"c2": inv.c1}
}
