package vigil.lib.k8s

test_pod_spec_of_each_kind if {
	pod({"type": "K8s::core::Pod", "config": {"spec": {"containers": []}}}).path == "config.spec"
	pod({"type": "K8s::apps::Deployment", "config": {"spec": {"template": {"spec": {"hostPID": true}}}}}).spec.hostPID
	pod({"type": "K8s::batch::CronJob", "config": {"spec": {"jobTemplate": {"spec": {"template": {"spec": {"hostIPC": true}}}}}}}).spec.hostIPC
}

test_controlled_pod_has_no_spec if {
	not pod({"type": "K8s::core::Pod", "config": {"metadata": {"ownerReferences": [{"kind": "ReplicaSet", "controller": true}]}, "spec": {}}})
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
