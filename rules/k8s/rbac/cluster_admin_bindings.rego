# METADATA
# title: cluster-admin bound to a subject that is not allowed
# custom:
#   id: RBAC-K8S-002
#   severity: critical
#   controls: [AC-6, AC-6(5)]
#   resource_types: ["K8s::rbac.authorization.k8s.io::RoleBinding", "K8s::rbac.authorization.k8s.io::ClusterRoleBinding"]
#   remediation: Bind narrower roles; keep cluster-admin for break-glass subjects listed in rules.params.cluster_admin_subjects.
package vigil.rules.k8s.rbac.cluster_admin_bindings

anonymous := {"system:authenticated", "system:unauthenticated", "system:anonymous"}

# Only the ClusterRole cluster-admin is the built-in superuser role; a namespaced Role that
# happens to be named cluster-admin grants whatever its own rules say.
deny contains {"msg": msg, "path": sprintf("config.subjects[%d]", [i])} if {
	input.config.roleRef.kind == "ClusterRole"
	input.config.roleRef.name == "cluster-admin"
	some i, s in object.get(input.config, "subjects", [])
	not allowed(s)
	msg := sprintf("%s: binds cluster-admin to %s %s", [input.name, object.get(s, "kind", "subject"), subject_name(s)])
}

# Service accounts are named namespace/name, users and groups by their name.
subject_name(s) := sprintf("%s/%s", [s.namespace, s.name]) if namespaced_service_account(s)

subject_name(s) := object.get(s, "name", "") if not namespaced_service_account(s)

namespaced_service_account(s) if {
	s.kind == "ServiceAccount"
	s.namespace != ""
}

allowed(s) if {
	not s.name in anonymous
	s.name in data.vigil.context.params.cluster_admin_subjects
}
