# METADATA
# title: Ingress serves hosts without TLS
# custom:
#   id: ING-K8S-001
#   severity: high
#   controls: [SC-8, SC-8(1)]
#   resource_types: ["K8s::networking.k8s.io::Ingress"]
#   remediation: Add spec.tls entries whose hosts cover every rule host (cert-manager can issue the certificates).
package vigil.rules.k8s.network.ingress_tls

tls := object.get(input.config.spec, "tls", [])

tls_hosts := {lower(h) | some t in tls; some h in object.get(t, "hosts", []); is_string(h)}

# The hosts the ingress rules serve; "*" stands for a rule without host (every host).
served := {object.get(rule, "host", "*") | some rule in object.get(input.config.spec, "rules", [])}

deny contains {"msg": msg, "path": "config.spec.tls"} if {
	count(tls) == 0
	msg := sprintf("%s: has no TLS section (spec.tls); serves %s over plain HTTP", [input.name, served_text])
}

served_text := "every host" if count(served) == 0

served_text := "every host" if "*" in served

served_text := concat(", ", sort(served)) if {
	count(served) > 0
	not "*" in served
}

deny contains {"msg": msg, "path": sprintf("config.spec.rules[%d].host", [i])} if {
	count(tls) > 0
	some i, rule in object.get(input.config.spec, "rules", [])
	host := object.get(rule, "host", "")
	not covered(host)
	msg := sprintf("%s: serves %s without TLS: no spec.tls hosts entry covers it", [input.name, host_text(i, host)])
}

host_text(i, "") := sprintf("every host (rule %d has no host)", [i])

host_text(_, host) := host if host != ""

covered(host) if lower(host) in tls_hosts

# A wildcard certificate host "*.example.com" covers exactly one extra leftmost label:
# a.example.com, but neither a.b.example.com nor example.com.
covered(host) if {
	some t in tls_hosts
	startswith(t, "*.")
	labels := split(lower(host), ".")
	labels[0] != ""
	labels[0] != "*"
	concat(".", array.slice(labels, 1, count(labels))) == substring(t, 2, count(t) - 2)
}
