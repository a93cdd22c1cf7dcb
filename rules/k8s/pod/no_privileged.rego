# METADATA
# title: Privileged container
# custom:
#   id: POD-K8S-004
#   severity: high
#   controls: [CM-6, AC-6]
#   resource_types: ["@k8s-pods"]
#   remediation: "Remove securityContext.privileged: true; grant the specific capability or device instead."
#   action: k8s_apply_patch
#   patch: {security_context: {privileged: false}}
#   suggestion: |
#     securityContext:
#       runAsNonRoot: true
#       allowPrivilegeEscalation: false
#       privileged: false
#       capabilities:
#         drop: ["ALL"]
#       seccompProfile:
#         type: RuntimeDefault
package vigil.rules.k8s.pod.no_privileged

import data.vigil.lib.k8s

deny contains {"msg": msg, "path": sprintf("%s.%s.securityContext.privileged", [p.path, x.path])} if {
	p := k8s.pod(input)
	some x in k8s.containers(p.spec)
	x.c.securityContext.privileged == true
	msg := sprintf("%s: container %s is privileged", [input.name, x.c.name])
}
