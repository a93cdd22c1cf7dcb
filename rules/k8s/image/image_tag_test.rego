package vigil.rules.k8s.image.image_tag

test_deny_latest_and_missing if {
	count(deny) == 2 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx:latest"}, {"name": "b", "image": "localhost:5000/api"}]}}}}}
}

test_allow_version_and_digest if {
	count(deny) == 0 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx:1.25"}, {"name": "b", "image": "acme/api@sha256:abc"}]}}}}}
}
