package vigil.rules.k8s.rbac.automount_token

test_deny_default if {
	count(deny) == 1 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": []}}}}}
}

test_allow_false if {
	count(deny) == 0 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"automountServiceAccountToken": false, "containers": []}}}}}
}

test_allow_annotated if {
	count(deny) == 0 with input as {"type": "K8s::apps::Deployment", "name": "op", "config": {"metadata": {"annotations": {"vigil.dev/needs-api-access": "true"}}, "spec": {"template": {"spec": {"containers": []}}}}}
}
