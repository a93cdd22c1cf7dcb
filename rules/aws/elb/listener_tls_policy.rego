# METADATA
# title: Load balancer HTTPS/TLS listener uses an outdated security policy
# description: "The SslPolicy of every HTTPS or TLS listener must be one of rules.params.elb_ssl_policies (default: the predefined policies that allow only TLS 1.2 and 1.3, including their FIPS and post-quantum (PQ) variants). A listener without SslPolicy fails."
# custom:
#   id: ELB-AWS-002
#   severity: medium
#   controls: [SC-8(1), SC-23(5)]
#   resource_types: ["AWS::ElasticLoadBalancingV2::LoadBalancer"]
#   remediation: aws elbv2 modify-listener --listener-arn <listener> --ssl-policy ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 (or another TLS 1.2+ policy).
package vigil.rules.aws.elb.listener_tls_policy

# Predefined ELB security policies that allow only TLS 1.2 and 1.3.
default_policies := [
	"ELBSecurityPolicy-TLS13-1-2-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
	"ELBSecurityPolicy-TLS13-1-3-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
	"ELBSecurityPolicy-FS-1-2-Res-2020-10",
	"ELBSecurityPolicy-FS-1-2-Res-2019-08",
	"ELBSecurityPolicy-FS-1-2-2019-08",
	"ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
	"ELBSecurityPolicy-TLS-1-2-2017-01",
]

allowed := {p | some p in object.get(data.vigil.context.params, "elb_ssl_policies", default_policies)}

deny contains {"msg": msg, "path": sprintf("config.Listeners[%d].SslPolicy", [i])} if {
	some i, l in object.get(input.config, "Listeners", [])
	upper(object.get(l, "Protocol", "")) in {"HTTPS", "TLS"}
	policy := object.get(l, "SslPolicy", "")
	not policy in allowed
	msg := sprintf("load balancer %s %s listener on port %v uses %s, which allows protocols or ciphers older than TLS 1.2", [input.config.LoadBalancerName, upper(l.Protocol), object.get(l, "Port", "?"), describe(policy)])
}

describe(p) := sprintf("security policy %s", [p]) if p != ""

describe("") := "no recorded security policy"
