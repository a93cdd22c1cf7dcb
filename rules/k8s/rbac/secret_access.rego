# METADATA
# title: RBAC role can read Secrets
# custom:
#   id: RBAC-K8S-003
#   severity: high
#   controls: [AC-3, AC-6]
#   resource_types: ["K8s::rbac.authorization.k8s.io::Role", "K8s::rbac.authorization.k8s.io::ClusterRole"]
#   remediation: Remove get/list/watch on secrets, or list the role in rules.params.secret_reader_roles after review.
package vigil.rules.k8s.rbac.secret_access

reads := {"get", "list", "watch", "*"}

deny contains {"msg": msg, "path": sprintf("config.rules[%d]", [i])} if {
	not startswith(input.name, "system:")
	not input.name in data.vigil.context.params.secret_reader_roles
	some i, rule in object.get(input.config, "rules", [])
	some res in object.get(rule, "resources", [])
	res in {"secrets", "*"}
	"" in object.get(rule, "apiGroups", [""])
	some verb in object.get(rule, "verbs", [])
	verb in reads
	msg := sprintf("%s: rule %d allows %s on %s", [input.name, i, verb, res])
}
