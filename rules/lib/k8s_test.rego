package vigil.lib.k8s

test_pod_spec_of_each_kind if {
	pod({"type": "K8s::core::Pod", "config": {"spec": {"containers": []}}}).path == "config.spec"
	pod({"type": "K8s::apps::Deployment", "config": {"spec": {"template": {"spec": {"hostPID": true}}}}}).spec.hostPID
	pod({"type": "K8s::batch::CronJob", "config": {"spec": {"jobTemplate": {"spec": {"template": {"spec": {"hostIPC": true}}}}}}}).spec.hostIPC
}

pod_id := "k8s://c1/shop/core/Pod/web-5d4f-x"

rs_id := "k8s://c1/shop/apps/ReplicaSet/web-5d4f"

job_id := "k8s://c1/shop/batch/Job/nightly-2900"

deploy_id := "k8s://c1/shop/apps/Deployment/web"

# vigil decides which objects are delegated to their controller; the rules only read it.
# The keys are spelled out: a `with ... as` value built from other rules (pod_id, ...) makes
# regorus leave calls such as controlled(owned(..., pod_id, ...)) undefined.
inv := {"c1": {"delegated": {
	"k8s://c1/shop/core/Pod/web-5d4f-x": true,
	"k8s://c1/shop/apps/ReplicaSet/web-5d4f": true,
	"k8s://c1/shop/batch/Job/nightly-2900": true,
	"k8s://c1/shop/apps/Deployment/web": true,
}}}

owned(type, id, kind, name) := owned_by(type, id, "c1", {"kind": kind, "name": name, "controller": true})

owned_by(type, id, account, ref) := {
	"type": type, "id": id, "account": account, "name": "x",
	"config": {"metadata": {"namespace": "shop", "ownerReferences": [ref]}, "spec": {"containers": [], "template": {"spec": {}}}},
}

test_delegated_pod_is_skipped if {
	not pod(owned("K8s::core::Pod", pod_id, "ReplicaSet", "web-5d4f")) with data.vigil.inventory.k8s as inv
	controlled(owned("K8s::core::Pod", pod_id, "ReplicaSet", "web-5d4f")) with data.vigil.inventory.k8s as inv
}

test_delegated_replicaset_is_skipped if {
	not pod(owned("K8s::apps::ReplicaSet", rs_id, "Deployment", "web")) with data.vigil.inventory.k8s as inv
}

test_delegated_job_is_skipped if {
	not pod(owned("K8s::batch::Job", job_id, "CronJob", "nightly")) with data.vigil.inventory.k8s as inv
}

test_mirror_pod_owned_by_node_is_checked if {
	r := owned("K8s::core::Pod", "k8s://c1/shop/core/Pod/static-node-1", "Node", "node-1")
	pod(r).path == "config.spec" with data.vigil.inventory.k8s as inv
	not controlled(r) with data.vigil.inventory.k8s as inv
}

test_object_not_delegated_is_checked if {
	# An owned pod vigil did not delegate (e.g. drifted from its template) is checked itself.
	pod(owned("K8s::core::Pod", "k8s://c1/shop/core/Pod/web-5d4f-debug", "ReplicaSet", "web-5d4f")).path == "config.spec" with data.vigil.inventory.k8s as inv
	pod(owned("K8s::apps::ReplicaSet", "k8s://c1/shop/apps/ReplicaSet/other", "Deployment", "other")).path == "config.spec.template.spec" with data.vigil.inventory.k8s as inv
	pod(owned("K8s::core::Pod", pod_id, "ReplicaSet", "web-5d4f")).path == "config.spec"
	pod(owned("K8s::core::Pod", pod_id, "ReplicaSet", "web-5d4f")).path == "config.spec" with data.vigil.inventory.k8s as {"c1": {}}
}

test_object_without_id_is_checked if {
	r := object.remove(owned("K8s::core::Pod", pod_id, "ReplicaSet", "web-5d4f"), ["id"])
	pod(r).path == "config.spec" with data.vigil.inventory.k8s as inv
	not controlled(r) with data.vigil.inventory.k8s as inv
}

test_delegation_of_other_id_or_cluster_does_not_apply if {
	ref := {"kind": "ReplicaSet", "name": "web-5d4f", "controller": true}
	pod(owned_by("K8s::core::Pod", "k8s://c1/shop/core/Pod/web-5d4f-y", "c1", ref)) with data.vigil.inventory.k8s as inv
	pod(owned_by("K8s::core::Pod", pod_id, "c2", ref)) with data.vigil.inventory.k8s as inv
	pod(owned_by("K8s::core::Pod", pod_id, "c2", ref)) with data.vigil.inventory.k8s as {"c1": {}, "c2": {"delegated": {"k8s://c2/shop/core/Pod/web-5d4f-x": true}}}
}

test_delegation_must_be_true if {
	r := owned("K8s::core::Pod", pod_id, "ReplicaSet", "web-5d4f")
	pod(r) with data.vigil.inventory.k8s as {"c1": {"delegated": {pod_id: false}}}
	pod(r) with data.vigil.inventory.k8s as {"c1": {"delegated": {pod_id: "true"}}}
	pod(r) with data.vigil.inventory.k8s as {"c1": {"delegated": [pod_id]}}
}

test_deployment_is_never_skipped if {
	pod(owned("K8s::apps::Deployment", deploy_id, "Deployment", "web")) with data.vigil.inventory.k8s as inv
	not controlled(owned("K8s::apps::Deployment", deploy_id, "Deployment", "web")) with data.vigil.inventory.k8s as inv
}

test_containers_cover_init_and_ephemeral if {
	cs := containers({"containers": [{"name": "a"}], "initContainers": [{"name": "b"}], "ephemeralContainers": [{"name": "c"}]})
	[x.path | some x in cs] == ["containers[0]", "initContainers[0]", "ephemeralContainers[0]"]
}

test_effective_container_overrides_pod if {
	effective({"securityContext": {"runAsNonRoot": true}}, {"securityContext": {"runAsNonRoot": false}}, "runAsNonRoot") == false
	effective({"securityContext": {"runAsNonRoot": true}}, {}, "runAsNonRoot") == true
}

test_image_parsing if {
	image("nginx").registry == "docker.io"
	image("nginx").tag == ""
	image("nginx:1.25").tag == "1.25"
	image("ghcr.io/acme/api:v2").registry == "ghcr.io"
	image("localhost:5000/api").registry == "localhost:5000"
	image("localhost:5000/api").tag == ""
	image("acme/api@sha256:abc").digest == "sha256:abc"
	image("acme/api@sha256:abc").registry == "docker.io"
}

test_missing_labels if {
	missing_labels({"owner": "a", "b": " ", "c": null}, ["owner", "c", "b", "d"]) == ["b", "c", "d"]
	missing_labels({"owner": "a"}, ["owner"]) == []
	missing_labels(null, ["z", "a"]) == ["a", "z"]
}

test_timestamps if {
	earliest(["2025-12-02T00:00:00Z", "2025-12-01T00:00:00+00:00", "bad", 7]) == "2025-12-01T00:00:00+00:00"
	not earliest(["bad", null])
	not earliest([])
	not timestamp_ns("2025-12-01")
	older_than_hours("2025-12-01T00:00:00Z", 72)
	not older_than_hours("2025-12-31T00:00:00Z", 72)
	not older_than_hours("garbage", 72)
	days_since("2025-12-01T00:00:00Z") == 31
}

test_system_namespace if {
	system_namespace("kube-system")
	not system_namespace("shop")
}

# Reapability: the labels of the namespace, from the cluster's inventory.
reap_inv := {
	"c1": {"namespaces": {"shop": {"labels": {"environment": "dev"}}, "blog": {"labels": {"environment": "prod"}}, "bare": {}}},
	"c2": {"namespaces": {"shop": {"labels": {"environment": "prod"}}}},
}

test_reapable_namespaced_object if {
	r := {"type": "K8s::apps::Deployment", "account": "c1", "region": "shop", "config": {"metadata": {"namespace": "shop"}}}
	reapable(r) == "environment=dev" with data.vigil.inventory.k8s as reap_inv with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	# The region stands in for a missing metadata.namespace.
	reapable({"type": "K8s::core::PersistentVolumeClaim", "account": "c1", "region": "shop", "config": {}}) == "environment=dev" with data.vigil.inventory.k8s as reap_inv with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_reapable_volume_by_claim_namespace if {
	pv := {"type": "K8s::core::PersistentVolume", "account": "c1", "config": {"spec": {"claimRef": {"namespace": "shop", "name": "data"}}}}
	reapable(pv) == "environment=dev" with data.vigil.inventory.k8s as reap_inv with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	not reapable(object.union(pv, {"config": {"spec": {"claimRef": {"namespace": "blog"}}}})) with data.vigil.inventory.k8s as reap_inv with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	not reapable({"type": "K8s::core::PersistentVolume", "account": "c1", "region": "shop", "config": {"spec": {}}}) with data.vigil.inventory.k8s as reap_inv with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_not_reapable_namespace if {
	ns := {"type": "K8s::apps::Deployment", "account": "c1", "config": {"metadata": {"namespace": "blog"}}}
	not reapable(ns) with data.vigil.inventory.k8s as reap_inv with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	not reapable(object.union(ns, {"config": {"metadata": {"namespace": "bare"}}})) with data.vigil.inventory.k8s as reap_inv with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	not reapable(object.union(ns, {"config": {"metadata": {"namespace": "gone"}}})) with data.vigil.inventory.k8s as reap_inv with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	not reapable(object.union(ns, {"account": "c2", "config": {"metadata": {"namespace": "shop"}}})) with data.vigil.inventory.k8s as reap_inv with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	not reapable(object.union(ns, {"config": {"metadata": {"namespace": "shop"}}})) with data.vigil.inventory.k8s as reap_inv with data.vigil.context.params.reapable_namespace_labels as {}
	not reapable({"type": "K8s::apps::Deployment", "account": "c1", "config": {}}) with data.vigil.inventory.k8s as reap_inv with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}
