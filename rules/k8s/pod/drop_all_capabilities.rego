# METADATA
# title: Container does not drop ALL capabilities or adds risky ones
# custom:
#   id: POD-K8S-002
#   severity: high
#   controls: [AC-4, CM-6, AC-6]
#   resource_types: ["@k8s-pods"]
#   remediation: "Set securityContext.capabilities.drop: [ALL] on every container and add back only NET_BIND_SERVICE if needed."
#   action: k8s_apply_patch
#   patch: {security_context: {capabilities: {drop: ["ALL"]}}}
#   suggestion: |
#     securityContext:
#       runAsNonRoot: true
#       allowPrivilegeEscalation: false
#       privileged: false
#       capabilities:
#         drop: ["ALL"]
#       seccompProfile:
#         type: RuntimeDefault
package vigil.rules.k8s.pod.drop_all_capabilities

import data.vigil.lib.k8s

deny contains {"msg": msg, "path": sprintf("%s.%s.securityContext.capabilities.drop", [p.path, x.path])} if {
	p := k8s.pod(input)
	some x in k8s.containers(p.spec)
	drops := [upper(d) | some d in object.get(object.get(object.get(x.c, "securityContext", {}), "capabilities", {}), "drop", [])]
	not "ALL" in drops
	msg := sprintf("%s: container %s does not drop ALL capabilities", [input.name, x.c.name])
}

deny contains {"msg": msg, "path": sprintf("%s.%s.securityContext.capabilities.add", [p.path, x.path])} if {
	p := k8s.pod(input)
	some x in k8s.containers(p.spec)
	some cap in object.get(object.get(object.get(x.c, "securityContext", {}), "capabilities", {}), "add", [])
	upper(cap) != "NET_BIND_SERVICE"
	msg := sprintf("%s: container %s adds capability %s", [input.name, x.c.name, cap])
}
