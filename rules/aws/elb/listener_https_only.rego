# METADATA
# title: Load balancer listener accepts unencrypted traffic
# description: "Every listener of an application or network load balancer must be HTTPS or TLS, or an HTTP listener whose every default action redirects to HTTPS. Gateway load balancers (GENEVE listeners) are skipped. A load balancer without Type is taken as an application load balancer (the API's default)."
# custom:
#   id: ELB-AWS-001
#   severity: medium
#   controls: [AC-4, AC-4(22), AC-17(2), AC-24(1), AU-9(3), CA-9, IA-5(1), PM-17, SC-7(4), SC-8, SC-8(1), SC-8(2), SC-8(3), SC-8(4), SC-8(5), SC-13, SC-23, SI-1]
#   resource_types: ["AWS::ElasticLoadBalancingV2::LoadBalancer"]
#   remediation: Make the listener HTTPS/TLS with an ACM certificate, or make every default action of the HTTP listener a redirect to HTTPS (aws elbv2 modify-listener --default-actions Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}).
package vigil.rules.aws.elb.listener_https_only

lb_type := lower(object.get(input.config, "Type", "application"))

protocol(l) := upper(object.get(l, "Protocol", ""))

encrypted(l) if protocol(l) in {"HTTPS", "TLS"}

# An HTTP listener whose default actions all redirect to HTTPS (and there is at least one).
redirects_to_https(l) if {
	protocol(l) == "HTTP"
	actions := object.get(l, "DefaultActions", [])
	count(actions) > 0
	every a in actions {
		lower(object.get(a, "Type", "")) == "redirect"
		upper(object.get(object.get(a, "RedirectConfig", {}), "Protocol", "")) == "HTTPS"
	}
}

deny contains {"msg": msg, "path": sprintf("config.Listeners[%d]", [i])} if {
	lb_type in {"application", "network"}
	some i, l in object.get(input.config, "Listeners", [])
	protocol(l) != "GENEVE"
	not encrypted(l)
	not redirects_to_https(l)
	msg := sprintf("load balancer %s listener on port %v uses %s without redirecting to HTTPS", [input.config.LoadBalancerName, object.get(l, "Port", "?"), describe(l)])
}

describe(l) := protocol(l) if protocol(l) != ""

describe(l) := "an unknown protocol" if protocol(l) == ""
