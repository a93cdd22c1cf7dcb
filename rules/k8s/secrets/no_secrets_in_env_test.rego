package vigil.rules.k8s.secrets.no_secrets_in_env

test_deny_secret_key_ref if {
	count(deny) == 1 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": [{"name": "a", "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}]}]}}}}}
}

test_deny_literal_password if {
	count(deny) == 1 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": [{"name": "a", "env": [{"name": "API_KEY", "value": "abc123"}]}]}}}}}
}

test_allow_plain_config if {
	count(deny) == 0 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": [{"name": "a", "env": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "TOKEN_FILE", "value": ""}]}]}}}}}
}
