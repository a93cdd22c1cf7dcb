# METADATA
# title: Workload in a reapable namespace has been scaled to zero for longer than idle_hours
# description: "Only workloads whose namespace's labels match rules.params.reapable_namespace_labels (default environment=dev) are reported; a namespace that was not collected is not reapable. A Deployment or StatefulSet with spec.replicas: 0 is idle since the time vigil's history first saw it at zero. Without history (an evaluation outside vigil's store), a Deployment's Progressing lastUpdateTime is used instead: that is its last rollout, which scaling does not update, so it is only a lower bound. When neither time is known the rule does not fire."
# custom:
#   id: IDLE-K8S-001
#   severity: low
#   controls: [CM-7(1), CM-8]
#   resource_types: ["K8s::apps::Deployment", "K8s::apps::StatefulSet"]
#   inventory: ["K8s::core::Namespace"]
#   remediation: Delete the workload (and its Services, ConfigMaps and volumes) if it is no longer needed, or scale it back up. To keep the workloads of an environment from being reported, leave its namespace label value out of rules.params.reapable_namespace_labels.
#   idle: report
package vigil.rules.k8s.idle.scaled_to_zero

import data.vigil.lib.idle
import data.vigil.lib.k8s

deny contains {"msg": msg, "path": "config.spec.replicas"} if {
	input.config.spec.replicas == 0
	env := k8s.reapable(input)
	since := idle.since_or(input, progressing)
	idle.past_idle_hours(since)
	msg := sprintf("%s: scaled to 0 replicas since %s (%d days); %s", [input.name, since, idle.days_since(since), env])
}

# The lastUpdateTime of a Deployment's Progressing condition.
progressing := [ts |
	input.type == "K8s::apps::Deployment"
	some c in object.get(input.config, ["status", "conditions"], [])
	c.type == "Progressing"
	ts := c.lastUpdateTime
]
