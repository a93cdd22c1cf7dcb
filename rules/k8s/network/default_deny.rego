# METADATA
# title: Namespace has no default-deny NetworkPolicy
# description: "For each direction (ingress, egress) a namespace outside rules.params.system_namespaces needs a NetworkPolicy that selects every pod (empty podSelector), applies to that direction (policyTypes; when unset, Ingress plus Egress if it has egress rules) and does not allow all traffic in that direction itself (a rule with no peers and no ports)."
# custom:
#   id: NET-K8S-001
#   severity: medium
#   controls: [AC-4, SC-7, SC-7(5)]
#   resource_types: ["K8s::core::Namespace"]
#   inventory: ["K8s::networking.k8s.io::NetworkPolicy"]
#   remediation: "Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules to the namespace, then allow the traffic each workload needs with narrower policies."
#   action: k8s_apply_patch
#   patch: default_deny
package vigil.rules.k8s.network.default_deny

import data.vigil.lib.k8s

directions := {"Ingress": "from", "Egress": "to"}

deny contains {"msg": msg, "path": "config.metadata.name"} if {
	not k8s.system_namespace(input.name)
	some direction, _ in directions
	not default_deny(direction)
	msg := sprintf("%s: no default-deny NetworkPolicy for %s", [input.name, lower(direction)])
}

default_deny(direction) if {
	some p in object.get(k8s.facts(input, "network_policies"), input.name, [])
	spec := as_object(object.get(p, "spec", {}))
	selects_all_pods(spec)
	direction in policy_types(spec)
	not allows_all(spec, direction)
}

selects_all_pods(spec) if {
	selector := as_object(object.get(spec, "podSelector", {}))
	count(as_object(object.get(selector, "matchLabels", {}))) == 0
	count(as_list(object.get(selector, "matchExpressions", []))) == 0
}

# policyTypes, or the API server's default when unset: Ingress, plus Egress when the policy
# has egress rules.
policy_types(spec) := types if {
	types := as_list(object.get(spec, "policyTypes", []))
	count(types) > 0
}

policy_types(spec) := ["Ingress"] if {
	count(as_list(object.get(spec, "policyTypes", []))) == 0
	count(as_list(object.get(spec, "egress", []))) == 0
}

policy_types(spec) := ["Ingress", "Egress"] if {
	count(as_list(object.get(spec, "policyTypes", []))) == 0
	count(as_list(object.get(spec, "egress", []))) > 0
}

# A rule with no peers (from/to) and no ports matches all traffic in its direction.
allows_all(spec, direction) if {
	some rule in as_list(object.get(spec, lower(direction), []))
	r := as_object(rule)
	count(as_list(object.get(r, directions[direction], []))) == 0
	count(as_list(object.get(r, "ports", []))) == 0
}

as_object(x) := x if is_object(x)

as_object(x) := {} if not is_object(x)

as_list(x) := x if is_array(x)

as_list(x) := [] if not is_array(x)
