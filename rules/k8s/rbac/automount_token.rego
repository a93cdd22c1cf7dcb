# METADATA
# title: Pod mounts a service account token it may not need
# custom:
#   id: RBAC-K8S-004
#   severity: medium
#   controls: [AC-6]
#   resource_types: ["K8s::core::Pod", "K8s::apps::Deployment", "K8s::apps::StatefulSet", "K8s::apps::DaemonSet", "K8s::apps::ReplicaSet", "K8s::batch::Job", "K8s::batch::CronJob"]
#   remediation: "Set automountServiceAccountToken: false, or annotate the workload vigil.dev/needs-api-access: \"true\" when it calls the API."
package vigil.rules.k8s.rbac.automount_token

import data.vigil.lib.k8s

deny contains {"msg": msg, "path": sprintf("%s.automountServiceAccountToken", [p.path])} if {
	p := k8s.pod(input)
	not p.spec.automountServiceAccountToken == false
	not object.get(object.get(object.get(input.config, "metadata", {}), "annotations", {}), "vigil.dev/needs-api-access", "") == "true"
	msg := sprintf("%s: pod mounts its service account token (set automountServiceAccountToken: false)", [input.name])
}
