package vigil.rules.k8s.namespace.not_default_namespace

test_deny_default if {
	count(deny) == 1 with input as {"name": "web", "config": {"metadata": {"namespace": "default"}}}
}

test_deny_unset if {
	count(deny) == 1 with input as {"name": "web", "config": {"metadata": {}}}
}

test_allow_team_namespace if {
	count(deny) == 0 with input as {"name": "web", "config": {"metadata": {"namespace": "shop"}}}
}
