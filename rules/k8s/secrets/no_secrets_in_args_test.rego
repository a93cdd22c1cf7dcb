package vigil.rules.k8s.secrets.no_secrets_in_args

r := "(redacted by vigil) hmac-sha256:0123456789abcdef0123456789abcdef"

deployment(c) := {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": [c]}}}}}

test_deny_flag_with_equals if {
	d := deny with input as deployment({"name": "app", "args": ["--port=8080", sprintf("--db-password=%s", [r])]})
	d == {{"msg": "web: container app passes a credential in its args (--db-password)", "path": "config.spec.template.spec.containers[0].args[1]"}}
}

test_deny_flag_then_value if {
	d := deny with input as deployment({"name": "app", "command": ["/app", "--token", r]})
	d == {{"msg": "web: container app passes a credential in its command (--token)", "path": "config.spec.template.spec.containers[0].command[2]"}}
}

test_deny_assignments_in_a_script if {
	script := sprintf("export DB_PASSWORD=%s; exec app --api-key %s", [r, r])
	d := deny with input as deployment({"name": "app", "command": ["sh", "-c", script]})
	d == {{"msg": "web: container app passes a credential in its command (DB_PASSWORD, --api-key)", "path": "config.spec.template.spec.containers[0].command[2]"}}
}

test_deny_whole_word_with_no_flag_before if {
	d := deny with input as deployment({"name": "app", "args": [r]})
	d == {{"msg": "web: container app passes a credential in its args (argument 0)", "path": "config.spec.template.spec.containers[0].args[0]"}}
}

test_deny_init_container_of_a_cronjob if {
	count(deny) == 1 with input as {"type": "K8s::batch::CronJob", "name": "backup", "config": {"spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"initContainers": [{"name": "fetch", "args": [sprintf("--secret=%s", [r])]}],
		"containers": [{"name": "b"}],
	}}}}}}}
}

test_allow_plain_arguments if {
	count(deny) == 0 with input as deployment({"name": "app", "command": ["/app"], "args": ["--log-level=info", "--port", "8080", "--password-file=/run/secrets/db"]})
}

test_allow_no_arguments if {
	count(deny) == 0 with input as deployment({"name": "app", "image": "nginx"})
}

test_allow_controlled_pod if {
	count(deny) == 0 with input as {"type": "K8s::core::Pod", "id": "k8s://c/shop/core/Pod/web-abc", "account": "c", "name": "web-abc", "config": {
		"metadata": {"namespace": "shop"},
		"spec": {"containers": [{"name": "app", "args": [sprintf("--token=%s", [r])]}]},
	}}
		with data.vigil.inventory.k8s.c.delegated as {"k8s://c/shop/core/Pod/web-abc": true}
}
