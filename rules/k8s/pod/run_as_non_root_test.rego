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
	count(deny) == 0 with input as {"type": "K8s::core::Pod", "id": "k8s://c1/shop/core/Pod/web-1", "name": "web-1", "account": "c1", "config": {"metadata": {"namespace": "shop", "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5d4f", "controller": true}]}, "spec": {"containers": [{"name": "app"}]}}}
		with data.vigil.inventory.k8s as {"c1": {"delegated": {"k8s://c1/shop/core/Pod/web-1": true}}}
}

test_deny_pod_of_uncollected_owner_is_checked_itself if {
	count(deny) == 1 with input as {"type": "K8s::core::Pod", "id": "k8s://c1/kube-system/core/Pod/etcd-node-1", "name": "etcd-node-1", "account": "c1", "config": {"metadata": {"namespace": "kube-system", "ownerReferences": [{"kind": "Node", "name": "node-1", "controller": true}]}, "spec": {"containers": [{"name": "etcd"}]}}}
		with data.vigil.inventory.k8s as {"c1": {"delegated": {"k8s://c1/shop/core/Pod/web-1": true}}}
}
