# METADATA
# title: Workload is missing required labels
# description: "The workload's own labels and its pod template's labels must both carry every key of rules.params.required_labels with a non-empty value. Workloads in rules.params.system_namespaces, and Jobs that vigil checks on their CronJob instead, are skipped."
# custom:
#   id: LBL-K8S-001
#   severity: low
#   controls: [CM-8, CM-8(4)]
#   resource_types: ["K8s::apps::Deployment", "K8s::apps::StatefulSet", "K8s::apps::DaemonSet", "K8s::batch::Job", "K8s::batch::CronJob"]
#   remediation: Add the missing labels (keys from rules.params.required_labels) with non-empty values to both metadata.labels and the pod template's labels, preferably in the chart or manifest that creates the workload.
package vigil.rules.k8s.labels.workload_labels

import data.vigil.lib.k8s

deny contains {"msg": msg, "path": place.path} if {
	not k8s.system_namespace(k8s.namespace(input))
	not k8s.controlled(input)
	some place in places
	missing := k8s.missing_labels(place.labels, data.vigil.context.params.required_labels)
	count(missing) > 0
	msg := sprintf("%s is missing required labels: %s", [place.what, concat(", ", missing)])
}

places contains {"what": input.name, "path": "config.metadata.labels", "labels": object.get(k8s.metadata(input), "labels", {})}

places contains {"what": sprintf("%s: pod template", [input.name]), "path": "config.spec.template.metadata.labels", "labels": object.get(input.config, ["spec", "template", "metadata", "labels"], {})} if {
	input.type != "K8s::batch::CronJob"
}

places contains {"what": sprintf("%s: pod template", [input.name]), "path": "config.spec.jobTemplate.spec.template.metadata.labels", "labels": object.get(input.config, ["spec", "jobTemplate", "spec", "template", "metadata", "labels"], {})} if {
	input.type == "K8s::batch::CronJob"
}
