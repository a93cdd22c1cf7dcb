# METADATA
# title: Container runs without a RuntimeDefault or Localhost seccomp profile
# custom:
#   id: POD-K8S-003
#   severity: high
#   controls: [CM-6, CM-7]
#   resource_types: ["@k8s-pods"]
#   remediation: "Set securityContext.seccompProfile.type: RuntimeDefault on the pod (or Localhost with a reviewed profile)."
#   action: k8s_apply_patch
#   patch: {security_context: {seccompProfile: {type: RuntimeDefault}}}
#   suggestion: |
#     securityContext:
#       runAsNonRoot: true
#       allowPrivilegeEscalation: false
#       privileged: false
#       capabilities:
#         drop: ["ALL"]
#       seccompProfile:
#         type: RuntimeDefault
package vigil.rules.k8s.pod.seccomp_profile

import data.vigil.lib.k8s

allowed := {"RuntimeDefault", "Localhost"}

deny contains {"msg": msg, "path": sprintf("%s.%s.securityContext.seccompProfile", [p.path, x.path])} if {
	p := k8s.pod(input)
	some x in k8s.containers(p.spec)
	profile := object.get(k8s.effective(p.spec, x.c, "seccompProfile"), "type", "unset")
	not profile in allowed
	msg := sprintf("%s: container %s has seccomp profile %s", [input.name, x.c.name, profile])
}

deny contains {"msg": msg, "path": sprintf("%s.%s.securityContext.seccompProfile", [p.path, x.path])} if {
	p := k8s.pod(input)
	some x in k8s.containers(p.spec)
	not k8s.effective(p.spec, x.c, "seccompProfile")
	msg := sprintf("%s: container %s has no seccomp profile", [input.name, x.c.name])
}
