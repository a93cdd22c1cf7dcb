package vigil.rules.k8s.pod.no_host_namespaces

test_deny_host_network_and_pid if {
	count(deny) == 2 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"hostNetwork": true, "hostPID": true, "containers": []}}}}}
}

test_allow_none if {
	count(deny) == 0 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"hostNetwork": false, "containers": []}}}}}
}
