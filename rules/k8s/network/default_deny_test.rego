package vigil.rules.k8s.network.default_deny

shop := {"type": "K8s::core::Namespace", "name": "shop", "account": "c1", "tags": {}, "config": {"metadata": {"name": "shop"}}}

with_policies(specs) := {"c1": {"network_policies": {"shop": [{"name": sprintf("np-%d", [i]), "spec": s} | some i, s in specs]}}}

test_allow_one_policy_denying_both if {
	count(deny) == 0 with input as shop with data.vigil.inventory.k8s as with_policies([{"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}])
}

test_allow_separate_policies_per_direction if {
	count(deny) == 0 with input as shop with data.vigil.inventory.k8s as with_policies([
		{"podSelector": {}, "policyTypes": ["Ingress"]},
		{"podSelector": {"matchLabels": {}}, "policyTypes": ["Egress"], "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}], "ports": [{"port": 53, "protocol": "UDP"}]}]},
	])
}

test_deny_no_policies_at_all if {
	r := deny with input as shop with data.vigil.inventory.k8s as {"c1": {}}
	{f.msg | some f in r} == {"shop: no default-deny NetworkPolicy for ingress", "shop: no default-deny NetworkPolicy for egress"}
	{f.path | some f in r} == {"config.metadata.name"}
}

test_deny_no_inventory_for_cluster if {
	count(deny) == 2 with input as shop
}

test_deny_egress_only_missing if {
	r := deny with input as shop with data.vigil.inventory.k8s as with_policies([{"podSelector": {}, "policyTypes": ["Ingress"]}])
	count(r) == 1
	some f in r
	f.msg == "shop: no default-deny NetworkPolicy for egress"
}

test_deny_ingress_only_missing if {
	r := deny with input as shop with data.vigil.inventory.k8s as with_policies([{"podSelector": {}, "policyTypes": ["Egress"]}])
	count(r) == 1
	some f in r
	f.msg == "shop: no default-deny NetworkPolicy for ingress"
}

test_default_policy_types_without_egress_rules_is_ingress_only if {
	r := deny with input as shop with data.vigil.inventory.k8s as with_policies([{"podSelector": {}}])
	count(r) == 1
	some f in r
	contains(f.msg, "egress")
	# egress: [] does not make a policy apply to egress when policyTypes is unset.
	count(deny) == 1 with input as shop with data.vigil.inventory.k8s as with_policies([{"podSelector": {}, "egress": []}])
}

test_allow_default_policy_types_with_egress_rules if {
	count(deny) == 0 with input as shop with data.vigil.inventory.k8s as with_policies([{"podSelector": {}, "egress": [{"to": [{"podSelector": {}}]}]}])
}

test_deny_policy_selecting_some_pods if {
	count(deny) == 2 with input as shop with data.vigil.inventory.k8s as with_policies([{"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress", "Egress"]}])
	count(deny) == 2 with input as shop with data.vigil.inventory.k8s as with_policies([{"podSelector": {"matchExpressions": [{"key": "app", "operator": "Exists"}]}, "policyTypes": ["Ingress", "Egress"]}])
}

test_allow_absent_pod_selector_selects_all if {
	count(deny) == 0 with input as shop with data.vigil.inventory.k8s as with_policies([{"policyTypes": ["Ingress", "Egress"]}])
}

test_deny_allow_all_rule if {
	r := deny with input as shop with data.vigil.inventory.k8s as with_policies([{"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "ingress": [{}]}])
	count(r) == 1
	some f in r
	contains(f.msg, "ingress")
	count(deny) == 1 with input as shop with data.vigil.inventory.k8s as with_policies([{"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}, {"to": []}]}])
}

test_allow_rule_with_only_ports_is_not_allow_all if {
	count(deny) == 0 with input as shop with data.vigil.inventory.k8s as with_policies([{"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "ingress": [{"ports": [{"port": 443}]}]}])
}

test_allow_all_policy_does_not_hide_a_deny_policy if {
	count(deny) == 0 with input as shop with data.vigil.inventory.k8s as with_policies([
		{"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "ingress": [{}], "egress": [{}]},
		{"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
	])
}

test_deny_policy_in_other_namespace_does_not_count if {
	count(deny) == 2 with input as shop with data.vigil.inventory.k8s as {"c1": {"network_policies": {"blog": [{"name": "deny", "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}]}}}
}

test_deny_policy_in_other_cluster_does_not_count if {
	count(deny) == 2 with input as shop with data.vigil.inventory.k8s as {"c2": {"network_policies": {"shop": [{"name": "deny", "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}]}}}
}

test_allow_system_namespace if {
	count(deny) == 0 with input as {"type": "K8s::core::Namespace", "name": "kube-system", "account": "c1", "config": {}} with data.vigil.inventory.k8s as {"c1": {}}
}
