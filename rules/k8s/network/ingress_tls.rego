# METADATA
# title: Ingress serves hosts without TLS
# custom:
#   id: ING-K8S-001
#   severity: high
#   controls: [SC-8, SC-8(1)]
#   resource_types: ["K8s::networking.k8s.io::Ingress"]
#   remediation: Add spec.tls entries whose hosts cover every rule host (cert-manager can issue the certificates).
package vigil.rules.k8s.network.ingress_tls

tls_hosts := {h | some t in object.get(input.config.spec, "tls", []); some h in object.get(t, "hosts", [])}

deny contains {"msg": msg, "path": "config.spec.tls"} if {
	count(object.get(input.config.spec, "tls", [])) == 0
	msg := sprintf("ingress %s has no TLS section", [input.name])
}

deny contains {"msg": msg, "path": sprintf("config.spec.rules[%d].host", [i])} if {
	count(object.get(input.config.spec, "tls", [])) > 0
	some i, rule in object.get(input.config.spec, "rules", [])
	not rule.host in tls_hosts
	msg := sprintf("ingress %s serves %s without TLS", [input.name, object.get(rule, "host", "*")])
}
