package vigil.rules.k8s.secrets.no_secrets_in_metadata

r := "(redacted by vigil) hmac-sha256:0123456789abcdef0123456789abcdef"

test_deny_annotation if {
	d := deny with input as {"type": "K8s::core::Service", "name": "db", "config": {"metadata": {"annotations": {"example.com/db-credentials": r, "team": "shop"}}}}
	d == {{"msg": "db: annotation example.com/db-credentials carries a credential", "path": "config.metadata.annotations[\"example.com/db-credentials\"]"}}
}

test_deny_pod_template_annotation_and_label if {
	d := deny with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"metadata": {}, "spec": {"template": {"metadata": {
		"annotations": {"backup.example.com/token": r},
		"labels": {"api-key": r, "app": "web"},
	}}}}}
	d == {
		{"msg": "web: pod template: annotation backup.example.com/token carries a credential", "path": "config.spec.template.metadata.annotations[\"backup.example.com/token\"]"},
		{"msg": "web: pod template: label api-key carries a credential", "path": "config.spec.template.metadata.labels[\"api-key\"]"},
	}
}

test_deny_cronjob_template if {
	count(deny) == 1 with input as {"type": "K8s::batch::CronJob", "name": "c", "config": {"spec": {"jobTemplate": {"spec": {"template": {"metadata": {"annotations": {"x/password": r}}}}}}}}
}

test_allow_plain_metadata if {
	count(deny) == 0 with input as {"type": "K8s::core::ServiceAccount", "name": "sa", "config": {"metadata": {
		"annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/x", "eks.amazonaws.com/token-expiration": "86400"},
		"labels": {"app.kubernetes.io/name": "sa"},
	}}}
}

test_allow_controlled_pod_reported_on_its_controller if {
	count(deny) == 0 with input as {"type": "K8s::core::Pod", "id": "k8s://c/shop/core/Pod/web-abc", "account": "c", "name": "web-abc", "config": {
		"metadata": {"namespace": "shop", "annotations": {"x/token": r}},
		"spec": {"containers": [{"name": "app"}]},
	}}
		with data.vigil.inventory.k8s.c.delegated as {"k8s://c/shop/core/Pod/web-abc": true}
}
