package vigil.rules.k8s.idle.scaled_to_zero

# Scan time 2026-01-01T00:00:00Z, idle_hours 72 (the defaults of the test runner).

id := "k8s://c1/shop/apps/Deployment/web"

deployment(replicas, conditions) := {
	"id": id, "type": "K8s::apps::Deployment", "name": "web", "account": "c1", "region": "shop",
	"config": {"metadata": {"name": "web", "namespace": "shop"}, "spec": {"replicas": replicas}, "status": {"conditions": conditions}},
}

progressing(ts) := [
	{"type": "Available", "status": "True", "lastUpdateTime": "2020-01-01T00:00:00Z"},
	{"type": "Progressing", "status": "True", "lastUpdateTime": ts},
]

# Cluster c1: shop is a dev namespace, blog a prod one, bare has no labels.
dev_shop := {"c1": {"namespaces": {
	"shop": {"labels": {"environment": "dev", "owner": "team-shop"}},
	"blog": {"labels": {"environment": "prod"}},
	"bare": {"labels": {}},
}}}

prod_shop := {"c1": {"namespaces": {"shop": {"labels": {"environment": "prod"}}}}}

test_deny_scaled_down_long_ago if {
	r := deny with input as deployment(0, progressing("2025-12-01T00:00:00Z"))
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
		with data.vigil.context.now_ns as 1767225600000000000
	count(r) == 1
	some f in r
	f.msg == "web: scaled to 0 replicas since 2025-12-01T00:00:00Z (31 days); environment=dev"
	f.path == "config.spec.replicas"
}

test_allow_scaled_down_recently if {
	count(deny) == 0 with input as deployment(0, progressing("2025-12-30T00:00:00Z"))
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_allow_running_replicas if {
	count(deny) == 0 with input as deployment(3, progressing("2025-01-01T00:00:00Z"))
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_allow_replicas_absent_means_one if {
	count(deny) == 0 with input as {"id": id, "type": "K8s::apps::Deployment", "name": "web", "account": "c1", "region": "shop", "config": {"spec": {}, "status": {"conditions": progressing("2025-01-01T00:00:00Z")}}}
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_allow_unknown_idle_time if {
	count(deny) == 0 with input as deployment(0, [])
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	count(deny) == 0 with input as {"id": id, "type": "K8s::apps::Deployment", "name": "web", "account": "c1", "region": "shop", "config": {"spec": {"replicas": 0}}}
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	count(deny) == 0 with input as deployment(0, [{"type": "Progressing"}])
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	count(deny) == 0 with input as deployment(0, progressing("not a time"))
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_deny_idle_since_from_history if {
	r := deny with input as deployment(0, [])
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"k8s://c1/shop/apps/Deployment/web": "2025-12-20T00:00:00Z"}
	count(r) == 1
	some f in r
	f.msg == "web: scaled to 0 replicas since 2025-12-20T00:00:00Z (12 days); environment=dev"
}

test_history_wins_over_the_rollout_time if {
	r := deny with input as deployment(0, progressing("2025-12-30T00:00:00Z"))
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"k8s://c1/shop/apps/Deployment/web": "2025-12-10T00:00:00Z"}
	some f in r
	contains(f.msg, "since 2025-12-10T00:00:00Z (22 days)")

	# Scaled to zero two days ago, after a rollout long before: history says 48 h.
	r2 := deny with input as deployment(0, progressing("2025-12-10T00:00:00Z"))
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"k8s://c1/shop/apps/Deployment/web": "2025-12-30T00:00:00Z"}
	count(r2) == 0
}

test_allow_history_of_other_resource if {
	count(deny) == 0 with input as deployment(0, [])
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"k8s://c1/shop/apps/Deployment/other": "2025-01-01T00:00:00Z"}
}

test_idle_hours_param if {
	count(deny) == 1 with input as deployment(0, progressing("2025-12-31T00:00:00Z"))
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
		with data.vigil.context.params.idle_hours as 12
	count(deny) == 0 with input as deployment(0, progressing("2025-12-31T00:00:00Z"))
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
		with data.vigil.context.params.idle_hours as 48
}

test_statefulset_uses_history_only if {
	sts := {"id": "k8s://c1/shop/apps/StatefulSet/db", "type": "K8s::apps::StatefulSet", "name": "db", "account": "c1", "region": "shop", "config": {"metadata": {"namespace": "shop"}, "spec": {"replicas": 0}, "status": {"conditions": progressing("2025-01-01T00:00:00Z")}}}
	count(deny) == 0 with input as sts
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	count(deny) == 1 with input as sts
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"k8s://c1/shop/apps/StatefulSet/db": "2025-11-01T00:00:00Z"}
}

# Reapability: the namespace's labels.

test_allow_prod_namespace if {
	count(deny) == 0 with input as deployment(0, progressing("2025-01-01T00:00:00Z"))
		with data.vigil.inventory.k8s as prod_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_allow_namespace_not_collected_or_unlabelled if {
	count(deny) == 0 with input as deployment(0, progressing("2025-01-01T00:00:00Z"))
		with data.vigil.inventory.k8s as {"c1": {}}
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	count(deny) == 0 with input as object.union(deployment(0, progressing("2025-01-01T00:00:00Z")), {"region": "bare", "config": {"metadata": {"namespace": "bare"}}})
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_allow_same_namespace_name_in_other_cluster if {
	count(deny) == 0 with input as object.union(deployment(0, progressing("2025-01-01T00:00:00Z")), {"account": "c2"})
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_allow_empty_params if {
	count(deny) == 0 with input as deployment(0, progressing("2025-01-01T00:00:00Z"))
		with data.vigil.inventory.k8s as dev_shop
		with data.vigil.context.params.reapable_namespace_labels as {}
}

test_deny_reapable_by_other_label if {
	r := deny with input as deployment(0, progressing("2025-01-01T00:00:00Z"))
		with data.vigil.inventory.k8s as prod_shop
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev", "prod"]}
	some f in r
	endswith(f.msg, "; environment=prod")
}
