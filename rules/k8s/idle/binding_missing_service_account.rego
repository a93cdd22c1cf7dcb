# METADATA
# title: Role binding grants a role to a service account that does not exist
# description: "A binding to a deleted ServiceAccount is a dormant grant: whoever creates a ServiceAccount of that name in that namespace receives the role."
# custom:
#   id: IDLE-K8S-003
#   severity: medium
#   controls: [AC-2, AC-2(3)]
#   resource_types: ["K8s::rbac.authorization.k8s.io::RoleBinding", "K8s::rbac.authorization.k8s.io::ClusterRoleBinding"]
#   inventory: ["K8s::core::ServiceAccount"]
#   remediation: Remove the subject from the binding (or delete the binding when it has no other subjects).
#   idle: report
package vigil.rules.k8s.idle.binding_missing_service_account

import data.vigil.lib.k8s

deny contains {"msg": msg, "path": sprintf("config.subjects[%d]", [i])} if {
	some i, s in object.get(input.config, "subjects", [])
	s.kind == "ServiceAccount"
	ns := object.get(s, "namespace", k8s.namespace(input))
	not exists(ns, s.name)
	role := object.get(input.config, "roleRef", {})
	msg := sprintf("%s: binds role %s/%s to service account %s/%s, which does not exist", [input.name, object.get(role, "kind", "?"), object.get(role, "name", "?"), ns, s.name])
}

exists(ns, name) if {
	_ = object.get(k8s.facts(input, "service_accounts"), ns, {})[name]
}
