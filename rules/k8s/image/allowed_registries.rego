# METADATA
# title: Container image comes from a registry that is not allowed
# custom:
#   id: IMG-K8S-003
#   severity: medium
#   controls: [CM-6]
#   resource_types: ["@k8s-pods"]
#   remediation: Pull images only from the registries in rules.params.allowed_registries (e.g. your ECR).
package vigil.rules.k8s.image.allowed_registries

import data.vigil.lib.k8s

deny contains {"msg": msg, "path": sprintf("%s.%s.image", [p.path, x.path])} if {
	allowed := data.vigil.context.params.allowed_registries
	count(allowed) > 0
	p := k8s.pod(input)
	some x in k8s.containers(p.spec)
	registry := k8s.image(x.c.image).registry
	not registry in allowed
	msg := sprintf("%s: container %s pulls from %s, not one of: %s", [input.name, x.c.name, registry, concat(", ", allowed)])
}
