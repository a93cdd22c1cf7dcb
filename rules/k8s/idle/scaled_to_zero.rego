# METADATA
# title: Workload has been scaled to zero for longer than idle_hours
# description: "A Deployment or StatefulSet with spec.replicas: 0 is idle since the earliest of the time vigil's history saw it idle and, for Deployments, the lastUpdateTime of its Progressing condition. The latter is the last rollout progress, which scaling does not update: a Deployment scaled down recently after a long-finished rollout is reported at once. When neither time is known the rule does not fire."
# custom:
#   id: IDLE-K8S-001
#   severity: low
#   controls: [CM-7(1), CM-8]
#   resource_types: ["K8s::apps::Deployment", "K8s::apps::StatefulSet"]
#   remediation: Delete the workload (and its Services, ConfigMaps and volumes) if it is no longer needed, or scale it back up.
package vigil.rules.k8s.idle.scaled_to_zero

import data.vigil.lib.k8s

deny contains {"msg": msg, "path": "config.spec.replicas"} if {
	input.config.spec.replicas == 0
	since := k8s.earliest(candidates)
	k8s.older_than_hours(since, data.vigil.context.params.idle_hours)
	msg := sprintf("%s: scaled to 0 replicas since %s (%d days)", [input.name, since, k8s.days_since(since)])
}

candidates contains ts if {
	ts := object.get(object.get(data.vigil.context, "idle_since", {}), input.id, null)
}

candidates contains ts if {
	input.type == "K8s::apps::Deployment"
	some c in object.get(input.config, ["status", "conditions"], [])
	c.type == "Progressing"
	ts := c.lastUpdateTime
}
