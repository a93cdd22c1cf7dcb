package vigil.rules.k8s.idle.volume_unused

pv_id := "k8s://c1/_cluster/core/PersistentVolume/pv-1"

pvc_id := "k8s://c1/shop/core/PersistentVolumeClaim/data"

pv(phase, status, spec) := {
	"id": pv_id, "type": "K8s::core::PersistentVolume", "name": "pv-1", "account": "c1",
	"config": {"metadata": {"name": "pv-1", "creationTimestamp": "2025-06-01T00:00:00Z"}, "spec": spec, "status": object.union({"phase": phase}, status)},
}

pvc(phase, created) := {
	"id": pvc_id, "type": "K8s::core::PersistentVolumeClaim", "name": "data", "account": "c1", "region": "shop",
	"config": {"metadata": {"name": "data", "namespace": "shop", "creationTimestamp": created}, "spec": {}, "status": {"phase": phase}},
}

# PersistentVolume

test_deny_released_volume if {
	r := deny with input as pv("Released", {"lastPhaseTransitionTime": "2025-12-01T00:00:00Z"}, {"capacity": {"storage": "10Gi"}, "claimRef": {"namespace": "shop", "name": "old-data"}})
	count(r) == 1
	some f in r
	f.msg == "pv-1: volume (10Gi) has been Released (was claimed by shop/old-data) since 2025-12-01T00:00:00Z (31 days)"
	f.path == "config.status.phase"
}

test_allow_recently_released_volume if {
	count(deny) == 0 with input as pv("Released", {"lastPhaseTransitionTime": "2025-12-31T00:00:00Z"}, {})
}

test_allow_bound_volume if {
	count(deny) == 0 with input as pv("Bound", {"lastPhaseTransitionTime": "2025-01-01T00:00:00Z"}, {})
}

test_allow_released_volume_without_any_time if {
	count(deny) == 0 with input as pv("Released", {}, {})
}

test_deny_released_volume_from_history if {
	r := deny with input as pv("Released", {}, {}) with data.vigil.context.idle_since as {pv_id: "2025-12-20T00:00:00Z"}
	count(r) == 1
	some f in r
	f.msg == "pv-1: volume has been Released since 2025-12-20T00:00:00Z (12 days)"
}

test_earliest_of_history_and_transition if {
	r := deny with input as pv("Released", {"lastPhaseTransitionTime": "2025-12-30T00:00:00Z"}, {}) with data.vigil.context.idle_since as {pv_id: "2025-12-01T00:00:00Z"}
	some f in r
	contains(f.msg, "since 2025-12-01T00:00:00Z")
}

test_deny_available_volume_falls_back_to_creation_time if {
	r := deny with input as pv("Available", {}, {})
	count(r) == 1
	some f in r
	f.msg == "pv-1: volume has been Available since 2025-06-01T00:00:00Z (214 days)"
}

test_allow_available_volume_recently_released_uses_transition_time if {
	count(deny) == 0 with input as pv("Available", {"lastPhaseTransitionTime": "2025-12-31T00:00:00Z"}, {})
}

test_allow_new_available_volume if {
	count(deny) == 0 with input as {"id": pv_id, "type": "K8s::core::PersistentVolume", "name": "pv-1", "config": {"metadata": {"creationTimestamp": "2025-12-31T12:00:00Z"}, "status": {"phase": "Available"}}}
}

test_allow_available_volume_without_any_time if {
	count(deny) == 0 with input as {"id": pv_id, "type": "K8s::core::PersistentVolume", "name": "pv-1", "config": {"metadata": {}, "status": {"phase": "Available"}}}
}

# PersistentVolumeClaim, Pending

test_deny_pending_claim if {
	r := deny with input as pvc("Pending", "2025-12-01T00:00:00Z")
	count(r) == 1
	some f in r
	f.msg == "data: claim has been Pending (no volume bound) since its creation at 2025-12-01T00:00:00Z (31 days)"
}

test_allow_new_pending_claim if {
	count(deny) == 0 with input as pvc("Pending", "2025-12-30T00:00:00Z")
}

test_allow_pending_claim_without_creation_time if {
	count(deny) == 0 with input as {"id": pvc_id, "type": "K8s::core::PersistentVolumeClaim", "name": "data", "config": {"status": {"phase": "Pending"}}}
}

# PersistentVolumeClaim, Bound

users := {"c1": {"pvc_users": {"shop": {"data": ["Pod/web-0", "StatefulSet/web"]}}}}

test_deny_bound_claim_without_users if {
	r := deny with input as pvc("Bound", "2025-12-01T00:00:00Z") with data.vigil.inventory.k8s as {"c1": {"pvc_users": {"shop": {"other": ["Pod/x"]}}}}
	count(r) == 1
	some f in r
	f.msg == "data: claim is bound but no pod or workload uses it (idle since 2025-12-01T00:00:00Z, 31 days)"
	f.path == "config.status.phase"
}

test_deny_bound_claim_no_inventory_maps if {
	count(deny) == 1 with input as pvc("Bound", "2025-12-01T00:00:00Z") with data.vigil.inventory.k8s as {"c1": {}}
	count(deny) == 1 with input as pvc("Bound", "2025-12-01T00:00:00Z") with data.vigil.inventory.k8s as {"c1": {"pvc_users": {"shop": {"data": []}}}}
}

test_allow_bound_claim_in_use if {
	count(deny) == 0 with input as pvc("Bound", "2025-01-01T00:00:00Z") with data.vigil.inventory.k8s as users
}

test_deny_claim_used_only_in_other_namespace_or_cluster if {
	count(deny) == 1 with input as pvc("Bound", "2025-01-01T00:00:00Z") with data.vigil.inventory.k8s as {"c1": {"pvc_users": {"blog": {"data": ["Pod/x"]}}}, "c2": {"pvc_users": {"shop": {"data": ["Pod/x"]}}}}
}

test_allow_new_bound_claim_without_users if {
	count(deny) == 0 with input as pvc("Bound", "2025-12-30T00:00:00Z") with data.vigil.inventory.k8s as {"c1": {}}
}

test_bound_claim_idle_since_is_earliest_of_history_and_creation if {
	r := deny with input as pvc("Bound", "2025-12-30T00:00:00Z") with data.vigil.inventory.k8s as {"c1": {}} with data.vigil.context.idle_since as {pvc_id: "2025-12-01T00:00:00Z"}
	count(r) == 1
	some f in r
	contains(f.msg, "idle since 2025-12-01T00:00:00Z, 31 days")
}

test_allow_lost_claim if {
	count(deny) == 0 with input as pvc("Lost", "2025-01-01T00:00:00Z") with data.vigil.inventory.k8s as {"c1": {}}
}

test_idle_hours_param if {
	count(deny) == 1 with input as pvc("Pending", "2025-12-31T00:00:00Z") with data.vigil.context.params.idle_hours as 12
	count(deny) == 0 with input as pvc("Pending", "2025-12-31T00:00:00Z") with data.vigil.context.params.idle_hours as 48
}
