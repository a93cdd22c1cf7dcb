package vigil.rules.k8s.pod.no_privilege_escalation

test_deny_unset if {
	count(deny) == 1 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": [{"name": "app"}]}}}}}
}

test_allow_false if {
	count(deny) == 0 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": [{"name": "app", "securityContext": {"allowPrivilegeEscalation": false}}]}}}}}
}
