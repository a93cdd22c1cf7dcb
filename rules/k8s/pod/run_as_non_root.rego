# METADATA
# title: Container may run as root
# custom:
#   id: POD-K8S-001
#   severity: high
#   controls: [CM-6, AC-6]
#   resource_types: ["@k8s-pods"]
#   remediation: "Set securityContext.runAsNonRoot: true (pod or container) and a non-zero runAsUser; build images with a non-root USER."
#   action: k8s_apply_patch
#   patch: {security_context: {runAsNonRoot: true}}
#   suggestion: |
#     securityContext:
#       runAsNonRoot: true
#       allowPrivilegeEscalation: false
#       privileged: false
#       capabilities:
#         drop: ["ALL"]
#       seccompProfile:
#         type: RuntimeDefault
package vigil.rules.k8s.pod.run_as_non_root

import data.vigil.lib.k8s

deny contains {"msg": msg, "path": sprintf("%s.%s.securityContext.runAsNonRoot", [p.path, x.path])} if {
	p := k8s.pod(input)
	some x in k8s.containers(p.spec)
	not k8s.effective(p.spec, x.c, "runAsNonRoot") == true
	msg := sprintf("%s: container %s does not set runAsNonRoot: true", [input.name, x.c.name])
}

deny contains {"msg": msg, "path": sprintf("%s.%s.securityContext.runAsUser", [p.path, x.path])} if {
	p := k8s.pod(input)
	some x in k8s.containers(p.spec)
	k8s.effective(p.spec, x.c, "runAsUser") == 0
	msg := sprintf("%s: container %s runs as user 0 (root)", [input.name, x.c.name])
}
