# METADATA
# title: Namespace is missing required labels
# description: "Every namespace outside rules.params.system_namespaces must carry every key of rules.params.required_namespace_labels with a non-empty value."
# custom:
#   id: LBL-K8S-002
#   severity: low
#   controls: [CM-8, CM-8(4), RA-2]
#   resource_types: ["K8s::core::Namespace"]
#   remediation: Label the namespace with the missing keys (from rules.params.required_namespace_labels), e.g. kubectl label namespace <name> owner=<team> environment=<env> data-classification=<level>.
#   action: k8s_apply_patch
#   patch: namespace_labels
package vigil.rules.k8s.labels.namespace_labels

import data.vigil.lib.k8s

deny contains {"msg": msg, "path": "config.metadata.labels"} if {
	not k8s.system_namespace(input.name)
	missing := k8s.missing_labels(object.get(input, "tags", {}), data.vigil.context.params.required_namespace_labels)
	count(missing) > 0
	msg := sprintf("%s: namespace is missing required labels: %s", [input.name, concat(", ", missing)])
}
