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

# One finding per policy rule that lets its subjects read Secret values: a read verb on the
# "secrets" resource (or "*", every resource) of the core API group ("" or "*"). Subresources
# such as "secrets/status" do not expose the values and are not reported.
deny contains {"msg": msg, "path": sprintf("config.rules[%d]", [i])} if {
	not startswith(input.name, "system:")
	not input.name in data.vigil.context.params.secret_reader_roles
	some i, rule in object.get(input.config, "rules", [])
	groups := object.get(rule, "apiGroups", [""])
	resources := object.get(rule, "resources", [])
	verbs := {v | some v in object.get(rule, "verbs", []); v in reads}
	count({g | some g in groups; g in {"", "*"}}) > 0
	count({r | some r in resources; r in {"secrets", "*"}}) > 0
	count(verbs) > 0
	msg := sprintf("%s: rule %d allows %s on %s%s", [input.name, i, verb_text(verbs), target(rule), via(groups, resources)])
}

verb_text(verbs) := "every verb (*)" if "*" in verbs

verb_text(verbs) := concat(", ", sort(verbs)) if not "*" in verbs

# resourceNames limits the rule to the named secrets, which it still lets the subject read.
target(rule) := sprintf("secrets %s", [concat(", ", names)]) if {
	names := object.get(rule, "resourceNames", [])
	count(names) > 0
}

target(rule) := "all secrets" if count(object.get(rule, "resourceNames", [])) == 0

# Which wildcards grant the access when the rule does not name the core group or secrets.
via(groups, resources) := "" if count(wildcards(groups, resources)) == 0

via(groups, resources) := sprintf(" (through %s)", [concat(" and ", w)]) if {
	w := wildcards(groups, resources)
	count(w) > 0
}

wildcards(groups, resources) := [w |
	some w in [`apiGroups "*"`, `resources "*"`]
	needed(w, groups, resources)
]

needed(`apiGroups "*"`, groups, _) if not "" in groups

needed(`resources "*"`, _, resources) if not "secrets" in resources
