# METADATA
# title: Persistent volume or claim in a reapable namespace has been unused for longer than idle_hours
# description: "Only objects whose namespace's labels match rules.params.reapable_namespace_labels (default environment=dev) are reported: a claim's own namespace, a volume's claim's namespace (spec.claimRef; a volume without a claim is not reapable); a namespace that was not collected is not reapable. A PersistentVolume Released or Available, a PersistentVolumeClaim Pending, or a Bound claim that no collected pod or workload references, for longer than idle_hours. A volume is idle since the earliest of the time vigil's history saw it idle and status.lastPhaseTransitionTime (an Available volume without either: its creation time); an unreferenced Bound claim since the time vigil's history first saw it unused (its creation time only without history); a Pending claim since its creation time."
# custom:
#   id: IDLE-K8S-002
#   severity: low
#   controls: [CM-7(1), CM-8]
#   resource_types: ["K8s::core::PersistentVolume", "K8s::core::PersistentVolumeClaim"]
#   inventory: ["K8s::core::Namespace", "@k8s-pods"]
#   remediation: Back up the data if it is still needed, then delete the claim or volume (check the volume's reclaim policy; a Retain volume keeps its storage until deleted at the provider). To keep the volumes of an environment from being reported, leave its namespace label value out of rules.params.reapable_namespace_labels.
#   idle: report
package vigil.rules.k8s.idle.volume_unused

import data.vigil.lib.idle
import data.vigil.lib.k8s

idle_hours := data.vigil.context.params.idle_hours

history := idle.recorded(input)

created := object.get(k8s.metadata(input), "creationTimestamp", null)

phase := object.get(input.config, ["status", "phase"], "")

# PersistentVolume Released (its claim was deleted) or Available (never claimed, or pre-bound);
# only one with a claimRef can be reapable.
deny contains {"msg": msg, "path": "config.status.phase"} if {
	input.type == "K8s::core::PersistentVolume"
	phase in {"Released", "Available"}
	env := k8s.reapable(input)
	since := pv_since
	idle.older_than_hours(since, idle_hours)
	msg := sprintf("%s: volume%s has been %s%s since %s (%d days); %s", [input.name, size, phase, claim, since, idle.days_since(since), env])
}

pv_since := idle.earliest([history, object.get(input.config, ["status", "lastPhaseTransitionTime"], null)])

pv_since := created if {
	phase == "Available"
	not idle.earliest([history, object.get(input.config, ["status", "lastPhaseTransitionTime"], null)])
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
	env := k8s.reapable(input)
	idle.older_than_hours(created, idle_hours)
	msg := sprintf("%s: claim has been Pending (no volume bound) since its creation at %s (%d days); %s", [input.name, created, idle.days_since(created), env])
}

# PersistentVolumeClaim bound to a volume that no pod or workload references.
deny contains {"msg": msg, "path": "config.status.phase"} if {
	input.type == "K8s::core::PersistentVolumeClaim"
	phase == "Bound"
	not used
	env := k8s.reapable(input)
	since := idle.since_or(input, [created])
	idle.older_than_hours(since, idle_hours)
	msg := sprintf("%s: claim is bound but no pod or workload uses it (idle since %s, %d days); %s", [input.name, since, idle.days_since(since), env])
}

used if {
	users := object.get(k8s.facts(input, "pvc_users"), [k8s.namespace(input), input.name], [])
	count(users) > 0
}
