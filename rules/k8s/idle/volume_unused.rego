# METADATA
# title: Persistent volume or claim has been unused for longer than idle_hours
# description: "A PersistentVolume Released or Available, a PersistentVolumeClaim Pending, or a Bound claim that no collected pod or workload references, for longer than idle_hours. A volume is idle since the earliest of the time vigil's history saw it idle and status.lastPhaseTransitionTime (an Available volume without either: its creation time); an unreferenced Bound claim since the earliest of that history time and its creation time; a Pending claim since its creation time."
# custom:
#   id: IDLE-K8S-002
#   severity: low
#   controls: [CM-7(1), CM-8]
#   resource_types: ["K8s::core::PersistentVolume", "K8s::core::PersistentVolumeClaim"]
#   inventory: ["K8s::core::Pod", "K8s::apps::Deployment", "K8s::apps::StatefulSet", "K8s::apps::DaemonSet", "K8s::apps::ReplicaSet", "K8s::batch::Job", "K8s::batch::CronJob"]
#   remediation: Back up the data if it is still needed, then delete the claim or volume (check the volume's reclaim policy; a Retain volume keeps its storage until deleted at the provider).
package vigil.rules.k8s.idle.volume_unused

import data.vigil.lib.k8s

idle_hours := data.vigil.context.params.idle_hours

history := object.get(object.get(data.vigil.context, "idle_since", {}), input.id, null)

created := object.get(k8s.metadata(input), "creationTimestamp", null)

phase := object.get(input.config, ["status", "phase"], "")

# PersistentVolume Released (its claim was deleted) or Available (never claimed).
deny contains {"msg": msg, "path": "config.status.phase"} if {
	input.type == "K8s::core::PersistentVolume"
	phase in {"Released", "Available"}
	since := pv_since
	k8s.older_than_hours(since, idle_hours)
	msg := sprintf("%s: volume%s has been %s%s since %s (%d days)", [input.name, size, phase, claim, since, k8s.days_since(since)])
}

pv_since := k8s.earliest([history, object.get(input.config, ["status", "lastPhaseTransitionTime"], null)])

pv_since := created if {
	phase == "Available"
	not k8s.earliest([history, object.get(input.config, ["status", "lastPhaseTransitionTime"], null)])
}

size := sprintf(" (%s)", [s]) if {
	s := object.get(input.config, ["spec", "capacity", "storage"], "")
	is_string(s)
	s != ""
} else := ""

claim := sprintf(" (was claimed by %s/%s)", [ref.namespace, ref.name]) if {
	phase == "Released"
	ref := input.config.spec.claimRef
} else := ""

# PersistentVolumeClaim that never got a volume.
deny contains {"msg": msg, "path": "config.status.phase"} if {
	input.type == "K8s::core::PersistentVolumeClaim"
	phase == "Pending"
	k8s.older_than_hours(created, idle_hours)
	msg := sprintf("%s: claim has been Pending (no volume bound) since its creation at %s (%d days)", [input.name, created, k8s.days_since(created)])
}

# PersistentVolumeClaim bound to a volume that no pod or workload references.
deny contains {"msg": msg, "path": "config.status.phase"} if {
	input.type == "K8s::core::PersistentVolumeClaim"
	phase == "Bound"
	not used
	since := k8s.earliest([history, created])
	k8s.older_than_hours(since, idle_hours)
	msg := sprintf("%s: claim is bound but no pod or workload uses it (idle since %s, %d days)", [input.name, since, k8s.days_since(since)])
}

used if {
	users := object.get(k8s.facts(input, "pvc_users"), [k8s.namespace(input), input.name], [])
	count(users) > 0
}
