# METADATA
# title: Container image uses latest or no tag
# custom:
#   id: IMG-K8S-002
#   severity: medium
#   controls: [CM-2, CM-6]
#   resource_types: ["@k8s-pods"]
#   remediation: Pin an explicit version tag (or a digest) instead of latest or no tag.
package vigil.rules.k8s.image.image_tag

import data.vigil.lib.k8s

deny contains {"msg": msg, "path": sprintf("%s.%s.image", [p.path, x.path])} if {
	p := k8s.pod(input)
	some x in k8s.containers(p.spec)
	img := k8s.image(x.c.image)
	img.digest == ""
	img.tag in {"", "latest"}
	msg := sprintf("%s: container %s image %s has no fixed tag", [input.name, x.c.name, x.c.image])
}
