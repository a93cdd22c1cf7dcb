# METADATA
# title: Container image is not pinned by digest
# custom:
#   id: IMG-K8S-001
#   severity: medium
#   controls: [CM-2, CM-6, SI-7]
#   resource_types: ["@k8s-pods"]
#   remediation: Reference images by digest (repo@sha256:...), e.g. with your CI's image promotion step.
package vigil.rules.k8s.image.image_digest

import data.vigil.lib.k8s

deny contains {"msg": msg, "path": sprintf("%s.%s.image", [p.path, x.path])} if {
	p := k8s.pod(input)
	some x in k8s.containers(p.spec)
	not regex.match(`@sha256:[a-f0-9]{64}$`, x.c.image)
	msg := sprintf("%s: container %s image %s is not pinned by sha256 digest", [input.name, x.c.name, x.c.image])
}
