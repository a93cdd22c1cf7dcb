# METADATA
# title: Container allows privilege escalation
# custom:
#   id: POD-K8S-005
#   severity: high
#   controls: [CM-6, AC-6]
#   resource_types: ["@k8s-pods"]
#   remediation: "Set securityContext.allowPrivilegeEscalation: false on every container."
#   action: k8s_apply_patch
#   patch: {security_context: {allowPrivilegeEscalation: false}}
#   suggestion: |
#     securityContext:
#       runAsNonRoot: true
#       allowPrivilegeEscalation: false
#       privileged: false
#       capabilities:
#         drop: ["ALL"]
#       seccompProfile:
#         type: RuntimeDefault
package vigil.rules.k8s.pod.no_privilege_escalation

import data.vigil.lib.k8s

deny contains {"msg": msg, "path": sprintf("%s.%s.securityContext.allowPrivilegeEscalation", [p.path, x.path])} if {
	p := k8s.pod(input)
	some x in k8s.containers(p.spec)
	not object.get(object.get(x.c, "securityContext", {}), "allowPrivilegeEscalation", true) == false
	msg := sprintf("%s: container %s does not set allowPrivilegeEscalation: false", [input.name, x.c.name])
}
