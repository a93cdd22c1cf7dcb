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

deployment(containers) := {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": containers}}}}}

test_deny_env_from_secret if {
	r := deny with input as deployment([{"name": "a", "envFrom": [{"configMapRef": {"name": "settings"}}, {"secretRef": {"name": "db"}}]}])
	r == {{"msg": "web: container a imports every key of secret db as env vars (envFrom)", "path": "config.spec.template.spec.containers[0].envFrom[1]"}}
}

test_deny_env_from_secret_with_prefix_in_init_container if {
	r := deny with input as {"type": "K8s::core::Pod", "name": "job-1", "config": {"spec": {
		"initContainers": [{"name": "migrate", "envFrom": [{"prefix": "DB_", "secretRef": {"name": "db", "optional": true}}]}],
		"containers": [{"name": "app"}],
	}}}
	r == {{"msg": "job-1: container migrate imports every key of secret db as env vars (envFrom)", "path": "config.spec.initContainers[0].envFrom[0]"}}
}

test_deny_env_from_and_secret_key_ref_both_reported if {
	count(deny) == 3 with input as deployment([
		{"name": "a", "envFrom": [{"secretRef": {"name": "db"}}, {"secretRef": {"name": "api"}}]},
		{"name": "b", "env": [{"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "api", "key": "token"}}}]},
	])
}

test_deny_env_from_secret_in_cronjob if {
	count(deny) == 1 with input as {"type": "K8s::batch::CronJob", "name": "report", "config": {"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "r", "envFrom": [{"secretRef": {"name": "db"}}]}]}}}}}}}
}

test_allow_env_from_config_map if {
	count(deny) == 0 with input as deployment([{"name": "a", "envFrom": [{"configMapRef": {"name": "settings"}}, {"prefix": "X_", "configMapRef": {"name": "more"}}]}])
}

test_allow_env_from_secret_on_controlled_pod if {
	count(deny) == 0 with input as {"type": "K8s::core::Pod", "id": "k8s://c/shop/core/Pod/web-abc", "account": "c", "name": "web-abc", "config": {
		"metadata": {"namespace": "shop", "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5c", "controller": true}]},
		"spec": {"containers": [{"name": "a", "envFrom": [{"secretRef": {"name": "db"}}]}]},
	}}
		with data.vigil.inventory.k8s.c.delegated as {"k8s://c/shop/core/Pod/web-abc": true}
}
