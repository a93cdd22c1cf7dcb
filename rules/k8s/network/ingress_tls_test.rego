package vigil.rules.k8s.network.ingress_tls

ingress(spec) := {"name": "shop", "config": {"spec": spec}}

test_deny_no_tls if {
	r := deny with input as ingress({"rules": [{"host": "b.example.com"}, {"host": "a.example.com"}]})
	r == {{"msg": "shop: has no TLS section (spec.tls); serves a.example.com, b.example.com over plain HTTP", "path": "config.spec.tls"}}
}

test_deny_no_tls_default_backend_only if {
	r := deny with input as ingress({"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}})
	r == {{"msg": "shop: has no TLS section (spec.tls); serves every host over plain HTTP", "path": "config.spec.tls"}}
}

test_deny_host_not_covered if {
	r := deny with input as ingress({"tls": [{"hosts": ["a.example.com"]}], "rules": [{"host": "a.example.com"}, {"host": "b.example.com"}]})
	r == {{"msg": "shop: serves b.example.com without TLS: no spec.tls hosts entry covers it", "path": "config.spec.rules[1].host"}}
}

test_deny_rule_without_host if {
	r := deny with input as ingress({"tls": [{"hosts": ["a.example.com"]}], "rules": [{"http": {}}]})
	r == {{"msg": "shop: serves every host (rule 0 has no host) without TLS: no spec.tls hosts entry covers it", "path": "config.spec.rules[0].host"}}
}

test_allow_covered if {
	count(deny) == 0 with input as ingress({"tls": [{"hosts": ["a.example.com"]}], "rules": [{"host": "a.example.com"}]})
}

test_allow_covered_by_second_tls_entry if {
	count(deny) == 0 with input as ingress({"tls": [{"hosts": ["a.example.com"]}, {"hosts": ["b.example.com"]}], "rules": [{"host": "a.example.com"}, {"host": "b.example.com"}]})
}

test_allow_wildcard_covers_one_label if {
	count(deny) == 0 with input as ingress({"tls": [{"hosts": ["*.example.com"]}], "rules": [{"host": "a.example.com"}, {"host": "shop.example.com"}]})
}

test_allow_wildcard_rule_host_with_wildcard_tls if {
	count(deny) == 0 with input as ingress({"tls": [{"hosts": ["*.example.com"]}], "rules": [{"host": "*.example.com"}]})
}

test_allow_host_case_insensitive if {
	count(deny) == 0 with input as ingress({"tls": [{"hosts": ["*.Example.com", "API.example.org"]}], "rules": [{"host": "a.example.COM"}, {"host": "api.example.org"}]})
}

test_deny_wildcard_does_not_cover_two_labels if {
	r := deny with input as ingress({"tls": [{"hosts": ["*.example.com"]}], "rules": [{"host": "a.b.example.com"}]})
	r == {{"msg": "shop: serves a.b.example.com without TLS: no spec.tls hosts entry covers it", "path": "config.spec.rules[0].host"}}
}

test_deny_wildcard_does_not_cover_apex if {
	count(deny) == 1 with input as ingress({"tls": [{"hosts": ["*.example.com"]}], "rules": [{"host": "example.com"}]})
}

test_deny_wildcard_does_not_cover_other_domain if {
	count(deny) == 2 with input as ingress({"tls": [{"hosts": ["*.example.com"]}], "rules": [{"host": "a.example.org"}, {"host": "a.badexample.com"}, {"host": "a.example.com"}]})
}

test_deny_specific_tls_does_not_cover_wildcard_rule_host if {
	count(deny) == 1 with input as ingress({"tls": [{"hosts": ["a.example.com"]}], "rules": [{"host": "*.example.com"}]})
}

test_deny_narrower_wildcard_does_not_cover_wider_one if {
	count(deny) == 1 with input as ingress({"tls": [{"hosts": ["*.a.example.com"]}], "rules": [{"host": "*.example.com"}, {"host": "b.a.example.com"}]})
}
