package vigil.rules.k8s.rbac.automount_token

deployment(spec) := {"type": "K8s::apps::Deployment", "name": "web", "account": "c1", "config": {"metadata": {"namespace": "shop"}, "spec": {"template": {"spec": spec}}}}

sa_off := {"c1": {"service_accounts": {"shop": {"default": {"automountServiceAccountToken": false}, "web": {"automountServiceAccountToken": false}, "api": {"automountServiceAccountToken": true}, "plain": {}}}}}

test_deny_default if {
	count(deny) == 1 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"containers": []}}}}}
}

test_deny_message_names_service_account if {
	r := deny with input as deployment({"serviceAccountName": "plain", "containers": []}) with data.vigil.inventory.k8s as sa_off
	count(r) == 1
	some f in r
	f.msg == "web: pod mounts the token of service account plain (set automountServiceAccountToken: false)"
	f.path == "config.spec.template.spec.automountServiceAccountToken"
}

test_allow_false if {
	count(deny) == 0 with input as {"type": "K8s::apps::Deployment", "name": "web", "config": {"spec": {"template": {"spec": {"automountServiceAccountToken": false, "containers": []}}}}}
}

test_allow_annotated if {
	count(deny) == 0 with input as {"type": "K8s::apps::Deployment", "name": "op", "config": {"metadata": {"annotations": {"vigil.dev/needs-api-access": "true"}}, "spec": {"template": {"spec": {"containers": []}}}}}
}

test_allow_unset_inherits_false_from_named_service_account if {
	count(deny) == 0 with input as deployment({"serviceAccountName": "web", "containers": []}) with data.vigil.inventory.k8s as sa_off
}

test_allow_unset_inherits_false_from_default_service_account if {
	count(deny) == 0 with input as deployment({"containers": []}) with data.vigil.inventory.k8s as sa_off
	count(deny) == 0 with input as deployment({"serviceAccountName": "", "containers": []}) with data.vigil.inventory.k8s as sa_off
}

test_allow_unset_inherits_false_from_deprecated_service_account_field if {
	count(deny) == 0 with input as deployment({"serviceAccount": "web", "containers": []}) with data.vigil.inventory.k8s as sa_off
}

test_deny_pod_true_overrides_service_account_false if {
	count(deny) == 1 with input as deployment({"serviceAccountName": "web", "automountServiceAccountToken": true, "containers": []}) with data.vigil.inventory.k8s as sa_off
}

test_deny_service_account_true_or_unset if {
	count(deny) == 1 with input as deployment({"serviceAccountName": "api", "containers": []}) with data.vigil.inventory.k8s as sa_off
	count(deny) == 1 with input as deployment({"serviceAccountName": "plain", "containers": []}) with data.vigil.inventory.k8s as sa_off
}

test_deny_service_account_not_in_inventory if {
	count(deny) == 1 with input as deployment({"serviceAccountName": "ghost", "containers": []}) with data.vigil.inventory.k8s as sa_off
	count(deny) == 1 with input as deployment({"serviceAccountName": "web", "containers": []})
}

test_deny_service_account_of_other_namespace_or_cluster if {
	inv := {"c1": {"service_accounts": {"blog": {"web": {"automountServiceAccountToken": false}}}}, "c2": {"service_accounts": {"shop": {"web": {"automountServiceAccountToken": false}}}}}
	count(deny) == 1 with input as deployment({"serviceAccountName": "web", "containers": []}) with data.vigil.inventory.k8s as inv
}

test_allow_cronjob_inherits_false if {
	count(deny) == 0 with input as {"type": "K8s::batch::CronJob", "name": "nightly", "account": "c1", "config": {"metadata": {"namespace": "shop"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": {"serviceAccountName": "web", "containers": []}}}}}}}
		with data.vigil.inventory.k8s as sa_off
}
