# METADATA
# title: Load balancer HTTPS/TLS listener certificate is not from ACM
# description: "Every certificate of an HTTPS or TLS listener must be an ACM certificate (arn:<partition>:acm:...), which ACM tracks and renews, rather than an IAM server certificate. An HTTPS or TLS listener without any recorded certificate fails."
# custom:
#   id: ELB-AWS-007
#   severity: low
#   controls: [SC-8(1), SC-23(5)]
#   resource_types: ["AWS::ElasticLoadBalancingV2::LoadBalancer"]
#   remediation: Request or import the certificate in ACM and aws elbv2 modify-listener --listener-arn <listener> --certificates CertificateArn=<ACM certificate ARN>.
package vigil.rules.aws.elb.listener_acm_certificate

tls_listener(l) if upper(object.get(l, "Protocol", "")) in {"HTTPS", "TLS"}

from_acm(c) if regex.match(`^arn:aws[a-z-]*:acm:`, object.get(c, "CertificateArn", ""))

deny contains {"msg": msg, "path": sprintf("config.Listeners[%d].Certificates[%d]", [i, j])} if {
	some i, l in object.get(input.config, "Listeners", [])
	tls_listener(l)
	some j, c in object.get(l, "Certificates", [])
	not from_acm(c)
	msg := sprintf("load balancer %s %s listener on port %v uses certificate %s, which is not from ACM", [input.config.LoadBalancerName, upper(l.Protocol), object.get(l, "Port", "?"), object.get(c, "CertificateArn", "(no ARN)")])
}

deny contains {"msg": msg, "path": sprintf("config.Listeners[%d].Certificates", [i])} if {
	some i, l in object.get(input.config, "Listeners", [])
	tls_listener(l)
	count(object.get(l, "Certificates", [])) == 0
	msg := sprintf("load balancer %s %s listener on port %v has no recorded certificate", [input.config.LoadBalancerName, upper(l.Protocol), object.get(l, "Port", "?")])
}
