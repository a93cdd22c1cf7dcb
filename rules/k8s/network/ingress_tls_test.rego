package vigil.rules.k8s.network.ingress_tls

test_deny_no_tls if {
	count(deny) == 1 with input as {"name": "i", "config": {"spec": {"rules": [{"host": "a.example.com"}]}}}
}

test_deny_host_not_covered if {
	count(deny) == 1 with input as {"name": "i", "config": {"spec": {"tls": [{"hosts": ["a.example.com"]}], "rules": [{"host": "a.example.com"}, {"host": "b.example.com"}]}}}
}

test_allow_covered if {
	count(deny) == 0 with input as {"name": "i", "config": {"spec": {"tls": [{"hosts": ["a.example.com"]}], "rules": [{"host": "a.example.com"}]}}}
}
