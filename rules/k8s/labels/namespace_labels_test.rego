package vigil.rules.k8s.labels.namespace_labels

ns(name, labels) := {"type": "K8s::core::Namespace", "name": name, "account": "c1", "tags": labels, "config": {"metadata": {"name": name, "labels": labels}}}

test_allow_all_labels_present if {
	count(deny) == 0 with input as ns("shop", {"owner": "team-a", "environment": "prod", "data-classification": "internal", "extra": "x"})
}

test_deny_missing_labels_sorted if {
	r := deny with input as ns("shop", {"owner": "team-a"})
	count(r) == 1
	some f in r
	f.msg == "shop: namespace is missing required labels: data-classification, environment"
	f.path == "config.metadata.labels"
}

test_deny_empty_value_counts_as_missing if {
	r := deny with input as ns("shop", {"owner": "", "environment": "prod", "data-classification": "internal"})
	count(r) == 1
	some f in r
	endswith(f.msg, "labels: owner")
}

test_deny_no_tags_at_all if {
	count(deny) == 1 with input as {"type": "K8s::core::Namespace", "name": "shop", "config": {"metadata": {"name": "shop"}}}
}

test_allow_system_namespace if {
	count(deny) == 0 with input as ns("kube-system", {})
	count(deny) == 0 with input as ns("kube-node-lease", {})
}

test_deny_default_namespace_is_not_a_system_namespace if {
	count(deny) == 1 with input as ns("default", {})
}

test_params_override if {
	count(deny) == 0 with input as ns("shop", {"team": "a"}) with data.vigil.context.params.required_namespace_labels as ["team"]
	count(deny) == 1 with input as ns("kube-system", {}) with data.vigil.context.params.system_namespaces as []
}
