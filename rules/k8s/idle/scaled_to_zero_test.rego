package vigil.rules.k8s.idle.scaled_to_zero

id := "k8s://c1/shop/apps/Deployment/web"

deployment(replicas, conditions) := {
	"id": id, "type": "K8s::apps::Deployment", "name": "web", "account": "c1", "region": "shop",
	"config": {"metadata": {"name": "web", "namespace": "shop"}, "spec": {"replicas": replicas}, "status": {"conditions": conditions}},
}

progressing(ts) := [
	{"type": "Available", "status": "True", "lastUpdateTime": "2020-01-01T00:00:00Z"},
	{"type": "Progressing", "status": "True", "lastUpdateTime": ts},
]

test_deny_scaled_down_long_ago if {
	r := deny with input as deployment(0, progressing("2025-12-01T00:00:00Z"))
	count(r) == 1
	some f in r
	f.msg == "web: scaled to 0 replicas since 2025-12-01T00:00:00Z (31 days)"
	f.path == "config.spec.replicas"
}

test_allow_scaled_down_recently if {
	count(deny) == 0 with input as deployment(0, progressing("2025-12-30T00:00:00Z"))
}

test_allow_running_replicas if {
	count(deny) == 0 with input as deployment(3, progressing("2025-01-01T00:00:00Z"))
}

test_allow_replicas_absent_means_one if {
	count(deny) == 0 with input as {"id": id, "type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {}, "status": {"conditions": progressing("2025-01-01T00:00:00Z")}}}
}

test_allow_unknown_idle_time if {
	count(deny) == 0 with input as deployment(0, [])
	count(deny) == 0 with input as {"id": id, "type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"replicas": 0}}}
	count(deny) == 0 with input as deployment(0, [{"type": "Progressing"}])
	count(deny) == 0 with input as deployment(0, progressing("not a time"))
}

test_deny_idle_since_from_history if {
	r := deny with input as deployment(0, []) with data.vigil.context.idle_since as {id: "2025-12-20T00:00:00Z"}
	count(r) == 1
	some f in r
	f.msg == "web: scaled to 0 replicas since 2025-12-20T00:00:00Z (12 days)"
}

test_earliest_of_history_and_condition if {
	r := deny with input as deployment(0, progressing("2025-12-30T00:00:00Z")) with data.vigil.context.idle_since as {id: "2025-12-10T00:00:00Z"}
	some f in r
	contains(f.msg, "since 2025-12-10T00:00:00Z (22 days)")
	r2 := deny with input as deployment(0, progressing("2025-12-10T00:00:00Z")) with data.vigil.context.idle_since as {id: "2025-12-30T00:00:00Z"}
	some f2 in r2
	contains(f2.msg, "since 2025-12-10T00:00:00Z")
}

test_allow_history_of_other_resource if {
	count(deny) == 0 with input as deployment(0, []) with data.vigil.context.idle_since as {"k8s://c1/shop/apps/Deployment/other": "2025-01-01T00:00:00Z"}
}

test_idle_hours_param if {
	count(deny) == 1 with input as deployment(0, progressing("2025-12-31T00:00:00Z")) with data.vigil.context.params.idle_hours as 12
	count(deny) == 0 with input as deployment(0, progressing("2025-12-31T00:00:00Z")) with data.vigil.context.params.idle_hours as 48
}

test_statefulset_uses_history_only if {
	sts := {"id": "k8s://c1/shop/apps/StatefulSet/db", "type": "K8s::apps::StatefulSet", "name": "db", "config": {"spec": {"replicas": 0}, "status": {"conditions": progressing("2025-01-01T00:00:00Z")}}}
	count(deny) == 0 with input as sts
	count(deny) == 1 with input as sts with data.vigil.context.idle_since as {"k8s://c1/shop/apps/StatefulSet/db": "2025-11-01T00:00:00Z"}
}
