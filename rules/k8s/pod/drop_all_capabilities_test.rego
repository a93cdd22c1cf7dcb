package vigil.rules.k8s.pod.drop_all_capabilities

test_deny_no_drop if {
	count(deny) == 1 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": [{"name": "app"}]}}}}}
}

test_deny_sys_admin if {
	count(deny) == 1 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": [{"name": "app", "securityContext": {"capabilities": {"drop": ["ALL"], "add": ["SYS_ADMIN"]}}}]}}}}}
}

test_allow_drop_all_net_bind if {
	count(deny) == 0 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": [{"name": "app", "securityContext": {"capabilities": {"drop": ["all"], "add": ["NET_BIND_SERVICE"]}}}]}}}}}
}
