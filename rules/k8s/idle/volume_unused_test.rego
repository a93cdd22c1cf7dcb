package vigil.rules.k8s.idle.volume_unused

# Scan time 2026-01-01T00:00:00Z, idle_hours 72 (the defaults of the test runner).

pv_id := "k8s://c1/_cluster/core/PersistentVolume/pv-1"

pvc_id := "k8s://c1/shop/core/PersistentVolumeClaim/data"

# A claimRef in the dev namespace shop, which makes a volume reapable.
shop_claim := {"namespace": "shop", "name": "old-data"}

pv(phase, status, spec) := {
	"id": pv_id, "type": "K8s::core::PersistentVolume", "name": "pv-1", "account": "c1",
	"config": {"metadata": {"name": "pv-1", "creationTimestamp": "2025-06-01T00:00:00Z"}, "spec": spec, "status": object.union({"phase": phase}, status)},
}

pvc(phase, created) := {
	"id": pvc_id, "type": "K8s::core::PersistentVolumeClaim", "name": "data", "account": "c1", "region": "shop",
	"config": {"metadata": {"name": "data", "namespace": "shop", "creationTimestamp": created}, "spec": {}, "status": {"phase": phase}},
}

# Cluster c1: shop is a dev namespace, blog a prod one; no pvc_users map.
dev := {"c1": {"namespaces": {"shop": {"labels": {"environment": "dev"}}, "blog": {"labels": {"environment": "prod"}}}}}

# PersistentVolume

test_deny_released_volume if {
	r := deny with input as pv("Released", {"lastPhaseTransitionTime": "2025-12-01T00:00:00Z"}, {"capacity": {"storage": "10Gi"}, "claimRef": {"namespace": "shop", "name": "old-data"}})
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
		with data.vigil.context.now_ns as 1767225600000000000
	count(r) == 1
	some f in r
	f.msg == "pv-1: volume (10Gi) has been Released (was claimed by shop/old-data) since 2025-12-01T00:00:00Z (31 days); environment=dev"
	f.path == "config.status.phase"
}

test_allow_recently_released_volume if {
	count(deny) == 0 with input as pv("Released", {"lastPhaseTransitionTime": "2025-12-31T00:00:00Z"}, {"claimRef": shop_claim})
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_allow_bound_volume if {
	count(deny) == 0 with input as pv("Bound", {"lastPhaseTransitionTime": "2025-01-01T00:00:00Z"}, {"claimRef": shop_claim})
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_allow_released_volume_without_any_time if {
	count(deny) == 0 with input as pv("Released", {}, {"claimRef": shop_claim})
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_deny_released_volume_from_history if {
	r := deny with input as pv("Released", {}, {"claimRef": shop_claim})
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"k8s://c1/_cluster/core/PersistentVolume/pv-1": "2025-12-20T00:00:00Z"}
	count(r) == 1
	some f in r
	f.msg == "pv-1: volume has been Released (was claimed by shop/old-data) since 2025-12-20T00:00:00Z (12 days); environment=dev"
}

test_earliest_of_history_and_transition if {
	r := deny with input as pv("Released", {"lastPhaseTransitionTime": "2025-12-30T00:00:00Z"}, {"claimRef": shop_claim})
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"k8s://c1/_cluster/core/PersistentVolume/pv-1": "2025-12-01T00:00:00Z"}
	some f in r
	contains(f.msg, "since 2025-12-01T00:00:00Z (31 days)")
	r2 := deny with input as pv("Released", {"lastPhaseTransitionTime": "2025-12-01T00:00:00Z"}, {"claimRef": shop_claim})
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"k8s://c1/_cluster/core/PersistentVolume/pv-1": "2025-12-30T00:00:00Z"}
	some f2 in r2
	contains(f2.msg, "since 2025-12-01T00:00:00Z (31 days)")
}

test_deny_available_volume_falls_back_to_creation_time if {
	# A pre-bound volume (claimRef set, phase Available).
	r := deny with input as pv("Available", {}, {"claimRef": shop_claim})
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	count(r) == 1
	some f in r
	f.msg == "pv-1: volume has been Available since 2025-06-01T00:00:00Z (214 days); environment=dev"
}

test_allow_available_volume_recently_released_uses_transition_time if {
	count(deny) == 0 with input as pv("Available", {"lastPhaseTransitionTime": "2025-12-31T00:00:00Z"}, {"claimRef": shop_claim})
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_allow_new_available_volume if {
	count(deny) == 0 with input as {"id": pv_id, "type": "K8s::core::PersistentVolume", "name": "pv-1", "account": "c1", "config": {"metadata": {"creationTimestamp": "2025-12-31T12:00:00Z"}, "spec": {"claimRef": shop_claim}, "status": {"phase": "Available"}}}
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_allow_available_volume_without_any_time if {
	count(deny) == 0 with input as {"id": pv_id, "type": "K8s::core::PersistentVolume", "name": "pv-1", "account": "c1", "config": {"metadata": {}, "spec": {"claimRef": shop_claim}, "status": {"phase": "Available"}}}
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_allow_volume_without_claim_is_not_reapable if {
	count(deny) == 0 with input as pv("Available", {}, {})
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	count(deny) == 0 with input as pv("Released", {"lastPhaseTransitionTime": "2025-01-01T00:00:00Z"}, {"claimRef": {"name": "x"}})
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_allow_volume_claimed_from_prod_namespace if {
	count(deny) == 0 with input as pv("Released", {"lastPhaseTransitionTime": "2025-01-01T00:00:00Z"}, {"claimRef": {"namespace": "blog", "name": "x"}})
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	# The volume's own region plays no part: it is cluster-scoped.
	count(deny) == 0 with input as object.union(pv("Released", {"lastPhaseTransitionTime": "2025-01-01T00:00:00Z"}, {"claimRef": {"namespace": "blog", "name": "x"}}), {"region": "shop"})
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_allow_volume_empty_params if {
	count(deny) == 0 with input as pv("Released", {"lastPhaseTransitionTime": "2025-01-01T00:00:00Z"}, {"claimRef": shop_claim})
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {}
}

# PersistentVolumeClaim, Pending

test_deny_pending_claim if {
	r := deny with input as pvc("Pending", "2025-12-01T00:00:00Z")
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	count(r) == 1
	some f in r
	f.msg == "data: claim has been Pending (no volume bound) since its creation at 2025-12-01T00:00:00Z (31 days); environment=dev"
}

test_allow_new_pending_claim if {
	count(deny) == 0 with input as pvc("Pending", "2025-12-30T00:00:00Z")
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_allow_pending_claim_without_creation_time if {
	count(deny) == 0 with input as {"id": pvc_id, "type": "K8s::core::PersistentVolumeClaim", "name": "data", "account": "c1", "region": "shop", "config": {"metadata": {"namespace": "shop"}, "status": {"phase": "Pending"}}}
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_allow_pending_claim_in_prod_namespace if {
	count(deny) == 0 with input as pvc("Pending", "2025-12-01T00:00:00Z")
		with data.vigil.inventory.k8s as {"c1": {"namespaces": {"shop": {"labels": {"environment": "prod"}}}}}
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

# PersistentVolumeClaim, Bound

test_deny_bound_claim_without_users if {
	r := deny with input as pvc("Bound", "2025-12-01T00:00:00Z")
		with data.vigil.inventory.k8s as {"c1": {"namespaces": {"shop": {"labels": {"environment": "dev"}}}, "pvc_users": {"shop": {"other": ["Pod/x"]}}}}
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	count(r) == 1
	some f in r
	f.msg == "data: claim is bound but no pod or workload uses it (idle since 2025-12-01T00:00:00Z, 31 days); environment=dev"
	f.path == "config.status.phase"
}

test_deny_bound_claim_no_inventory_maps if {
	count(deny) == 1 with input as pvc("Bound", "2025-12-01T00:00:00Z")
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	count(deny) == 1 with input as pvc("Bound", "2025-12-01T00:00:00Z")
		with data.vigil.inventory.k8s as {"c1": {"namespaces": {"shop": {"labels": {"environment": "dev"}}}, "pvc_users": {"shop": {"data": []}}}}
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_allow_bound_claim_in_use if {
	count(deny) == 0 with input as pvc("Bound", "2025-01-01T00:00:00Z")
		with data.vigil.inventory.k8s as {"c1": {"namespaces": {"shop": {"labels": {"environment": "dev"}}}, "pvc_users": {"shop": {"data": ["Pod/web-0", "StatefulSet/web"]}}}}
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_deny_claim_used_only_in_other_namespace_or_cluster if {
	count(deny) == 1 with input as pvc("Bound", "2025-01-01T00:00:00Z")
		with data.vigil.inventory.k8s as {"c1": {"namespaces": {"shop": {"labels": {"environment": "dev"}}}, "pvc_users": {"blog": {"data": ["Pod/x"]}}}, "c2": {"pvc_users": {"shop": {"data": ["Pod/x"]}}}}
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_allow_new_bound_claim_without_users if {
	count(deny) == 0 with input as pvc("Bound", "2025-12-30T00:00:00Z")
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_bound_claim_idle_since_is_earliest_of_history_and_creation if {
	r := deny with input as pvc("Bound", "2025-12-30T00:00:00Z")
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
		with data.vigil.context.idle_since as {"k8s://c1/shop/core/PersistentVolumeClaim/data": "2025-12-01T00:00:00Z"}
	count(r) == 1
	some f in r
	contains(f.msg, "idle since 2025-12-01T00:00:00Z, 31 days")
}

test_allow_bound_claim_not_reapable if {
	# prod namespace, namespace not collected, empty parameter.
	count(deny) == 0 with input as pvc("Bound", "2025-01-01T00:00:00Z")
		with data.vigil.inventory.k8s as {"c1": {"namespaces": {"shop": {"labels": {"environment": "prod"}}}}}
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	count(deny) == 0 with input as pvc("Bound", "2025-01-01T00:00:00Z")
		with data.vigil.inventory.k8s as {"c1": {}}
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
	count(deny) == 0 with input as pvc("Bound", "2025-01-01T00:00:00Z")
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {}
}

test_allow_lost_claim if {
	count(deny) == 0 with input as pvc("Lost", "2025-01-01T00:00:00Z")
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
}

test_idle_hours_param if {
	count(deny) == 1 with input as pvc("Pending", "2025-12-31T00:00:00Z")
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
		with data.vigil.context.params.idle_hours as 12
	count(deny) == 0 with input as pvc("Pending", "2025-12-31T00:00:00Z")
		with data.vigil.inventory.k8s as dev
		with data.vigil.context.params.reapable_namespace_labels as {"environment": ["dev"]}
		with data.vigil.context.params.idle_hours as 48
}
