# METADATA
# title: RBAC role uses wildcards in verbs, resources or apiGroups
# custom:
#   id: RBAC-K8S-001
#   severity: high
#   controls: [AC-3, AC-6]
#   resource_types: ["K8s::rbac.authorization.k8s.io::Role", "K8s::rbac.authorization.k8s.io::ClusterRole"]
#   remediation: List the verbs, resources and API groups the subject needs instead of *.
package vigil.rules.k8s.rbac.no_wildcards

deny contains {"msg": msg, "path": sprintf("config.rules[%d].%s", [i, field])} if {
	not startswith(input.name, "system:")
	some i, rule in object.get(input.config, "rules", [])
	some field in ["verbs", "resources", "apiGroups"]
	"*" in object.get(rule, field, [])
	msg := sprintf("%s: rule %d grants * in %s", [input.name, i, field])
}
