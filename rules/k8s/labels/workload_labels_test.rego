package vigil.rules.k8s.labels.workload_labels

full := {"app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "shop", "owner": "team-a"}

deployment(labels, template_labels) := {
	"type": "K8s::apps::Deployment", "name": "web", "account": "c1",
	"config": {"metadata": {"name": "web", "namespace": "shop", "labels": labels}, "spec": {"template": {"metadata": {"labels": template_labels}, "spec": {}}}},
}

test_allow_all_labels_present if {
	count(deny) == 0 with input as deployment(full, full)
}

test_deny_object_labels_missing if {
	r := deny with input as deployment({"owner": "team-a"}, full)
	count(r) == 1
	some f in r
	f.path == "config.metadata.labels"
	f.msg == "web is missing required labels: app.kubernetes.io/name, app.kubernetes.io/part-of"
}

test_deny_template_labels_missing if {
	r := deny with input as deployment(full, {"app.kubernetes.io/name": "web"})
	count(r) == 1
	some f in r
	f.path == "config.spec.template.metadata.labels"
	f.msg == "web: pod template is missing required labels: app.kubernetes.io/part-of, owner"
}

test_deny_both_places_when_nothing_is_labelled if {
	r := deny with input as {"type": "K8s::apps::StatefulSet", "name": "db", "config": {"metadata": {"name": "db", "namespace": "shop"}, "spec": {"template": {"spec": {}}}}}
	count(r) == 2
	{f.path | some f in r} == {"config.metadata.labels", "config.spec.template.metadata.labels"}
}

test_deny_empty_value_counts_as_missing if {
	r := deny with input as deployment(object.union(full, {"owner": " "}), full)
	count(r) == 1
	some f in r
	endswith(f.msg, "missing required labels: owner")
}

test_deny_cronjob_job_template if {
	r := deny with input as {"type": "K8s::batch::CronJob", "name": "nightly", "config": {"metadata": {"namespace": "shop", "labels": full}, "spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": {"owner": "x"}}}}}}}}
	count(r) == 1
	some f in r
	f.path == "config.spec.jobTemplate.spec.template.metadata.labels"
}

test_allow_cronjob_fully_labelled if {
	count(deny) == 0 with input as {"type": "K8s::batch::CronJob", "name": "nightly", "config": {"metadata": {"namespace": "shop", "labels": full}, "spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": full}}}}}}}
}

test_allow_system_namespace if {
	count(deny) == 0 with input as {"type": "K8s::apps::DaemonSet", "name": "kube-proxy", "config": {"metadata": {"namespace": "kube-system"}, "spec": {"template": {"spec": {}}}}}
}

test_deny_system_namespaces_follow_params if {
	count(deny) == 2 with input as {"type": "K8s::apps::DaemonSet", "name": "kube-proxy", "config": {"metadata": {"namespace": "kube-system"}, "spec": {"template": {"spec": {}}}}}
		with data.vigil.context.params.system_namespaces as []
}

test_required_labels_follow_params if {
	count(deny) == 0 with input as deployment({"team": "a"}, {"team": "a"}) with data.vigil.context.params.required_labels as ["team"]
	count(deny) == 2 with input as deployment(full, full) with data.vigil.context.params.required_labels as ["team"]
}

job := {"type": "K8s::batch::Job", "id": "k8s://c1/shop/batch/Job/nightly-2900", "name": "nightly-2900", "account": "c1", "config": {"metadata": {"namespace": "shop", "ownerReferences": [{"kind": "CronJob", "name": "nightly", "controller": true}]}, "spec": {"template": {"spec": {}}}}}

test_allow_job_delegated_to_its_cronjob if {
	count(deny) == 0 with input as job with data.vigil.inventory.k8s as {"c1": {"delegated": {"k8s://c1/shop/batch/Job/nightly-2900": true}}}
}

test_deny_job_not_delegated if {
	count(deny) == 2 with input as job
	count(deny) == 2 with input as job with data.vigil.inventory.k8s as {"c1": {"delegated": {"k8s://c1/shop/batch/Job/nightly-2901": true}}}
}

test_deny_deployment_even_if_listed_as_delegated if {
	count(deny) == 1 with input as object.union(deployment({"owner": "team-a"}, full), {"id": "k8s://c1/shop/apps/Deployment/web"})
		with data.vigil.inventory.k8s as {"c1": {"delegated": {"k8s://c1/shop/apps/Deployment/web": true}}}
}

test_deny_labels_null if {
	count(deny) == 2 with input as deployment(null, null)
}
