package vigil.rules.k8s.image.allowed_registries

test_deny_docker_hub if {
	count(deny) == 1 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx:1.25"}]}}}}} with data.vigil.context.params.allowed_registries as ["123456789012.dkr.ecr.us-east-1.amazonaws.com"]
}

test_allow_ecr if {
	count(deny) == 0 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1"}]}}}}} with data.vigil.context.params.allowed_registries as ["123456789012.dkr.ecr.us-east-1.amazonaws.com"]
}

test_allow_no_list_configured if {
	count(deny) == 0 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx:1.25"}]}}}}} with data.vigil.context.params.allowed_registries as []
}
