package vigil.lib.k8s

test_pod_spec_of_each_kind if {
	pod({"type": "K8s::core::Pod", "config": {"spec": {"containers": []}}}).path == "config.spec"
	pod({"type": "K8s::apps::Deployment", "config": {"spec": {"template": {"spec": {"hostPID": true}}}}}).spec.hostPID
	pod({"type": "K8s::batch::CronJob", "config": {"spec": {"jobTemplate": {"spec": {"template": {"spec": {"hostIPC": true}}}}}}}).spec.hostIPC
}

inv := {"c1": {"workloads": {"shop/ReplicaSet/web-5d4f": true, "shop/Deployment/web": true, "shop/CronJob/nightly": true}}}

owned(type, kind, name) := owned_by(type, "c1", "shop", {"kind": kind, "name": name, "controller": true})

owned_by(type, account, ns, ref) := {
	"type": type, "account": account, "name": "x",
	"config": {"metadata": {"namespace": ns, "ownerReferences": [ref]}, "spec": {"containers": [], "template": {"spec": {}}}},
}

test_pod_owned_by_collected_replicaset_is_skipped if {
	not pod(owned("K8s::core::Pod", "ReplicaSet", "web-5d4f")) with data.vigil.inventory.k8s as inv
	controlled(owned("K8s::core::Pod", "ReplicaSet", "web-5d4f")) with data.vigil.inventory.k8s as inv
}

test_replicaset_owned_by_collected_deployment_is_skipped if {
	not pod(owned("K8s::apps::ReplicaSet", "Deployment", "web")) with data.vigil.inventory.k8s as inv
}

test_job_owned_by_collected_cronjob_is_skipped if {
	not pod(owned("K8s::batch::Job", "CronJob", "nightly")) with data.vigil.inventory.k8s as inv
}

test_mirror_pod_owned_by_node_is_checked if {
	pod(owned("K8s::core::Pod", "Node", "node-1")).path == "config.spec" with data.vigil.inventory.k8s as inv
}

test_owner_absent_from_inventory_is_checked if {
	pod(owned("K8s::core::Pod", "ReplicaSet", "other-1")).path == "config.spec" with data.vigil.inventory.k8s as inv
	pod(owned("K8s::apps::ReplicaSet", "Deployment", "other")).path == "config.spec.template.spec" with data.vigil.inventory.k8s as inv
	pod(owned("K8s::core::Pod", "ReplicaSet", "web-5d4f")).path == "config.spec"
}

test_owner_in_other_namespace_or_cluster_is_checked if {
	ref := {"kind": "ReplicaSet", "name": "web-5d4f", "controller": true}
	pod(owned_by("K8s::core::Pod", "c1", "blog", ref)) with data.vigil.inventory.k8s as inv
	pod(owned_by("K8s::core::Pod", "c2", "shop", ref)) with data.vigil.inventory.k8s as inv
}

test_non_controller_owner_is_checked if {
	pod(owned_by("K8s::core::Pod", "c1", "shop", {"kind": "ReplicaSet", "name": "web-5d4f", "controller": false})) with data.vigil.inventory.k8s as inv
	pod(owned_by("K8s::core::Pod", "c1", "shop", {"kind": "ReplicaSet", "name": "web-5d4f"})) with data.vigil.inventory.k8s as inv
}

test_deployment_is_never_skipped if {
	pod(owned("K8s::apps::Deployment", "Deployment", "web")) with data.vigil.inventory.k8s as inv
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
