package vigil.rules.k8s.pod.run_as_non_root

test_deny_unset if {
	count(deny) == 1 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": [{"name": "app"}]}}}}}
}

test_deny_container_overrides_pod if {
	count(deny) == 1 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "app", "securityContext": {"runAsNonRoot": false}}]}}}}}
}

test_deny_uid_zero if {
	count(deny) == 1 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "app", "securityContext": {"runAsUser": 0}}]}}}}}
}

test_allow_pod_level if {
	count(deny) == 0 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"securityContext": {"runAsNonRoot": true, "runAsUser": 1000}, "containers": [{"name": "app"}], "initContainers": [{"name": "init"}]}}}}}
}

test_allow_controlled_pod_is_checked_on_its_workload if {
	count(deny) == 0 with input as {"type": "K8s::core::Pod", "name": "web-1", "config": {"metadata": {"ownerReferences": [{"controller": true}]}, "spec": {"containers": [{"name": "app"}]}}}
}
