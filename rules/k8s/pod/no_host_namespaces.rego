# METADATA
# title: Pod shares the host's network, PID or IPC namespace
# custom:
#   id: POD-K8S-006
#   severity: high
#   controls: [CM-3(8), CM-6, CM-7(9), RA-5(3), SA-10(1), SC-7(4)]
#   resource_types: ["@k8s-pods"]
#   remediation: Remove hostNetwork, hostPID and hostIPC from the pod spec.
package vigil.rules.k8s.pod.no_host_namespaces

import data.vigil.lib.k8s

deny contains {"msg": msg, "path": sprintf("%s.%s", [p.path, field])} if {
	p := k8s.pod(input)
	some field in ["hostNetwork", "hostPID", "hostIPC"]
	p.spec[field] == true
	msg := sprintf("%s: pod sets %s: true", [input.name, field])
}
