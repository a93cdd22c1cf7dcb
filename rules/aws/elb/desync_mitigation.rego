# METADATA
# title: Application load balancer desync mitigation mode is not defensive or strictest
# description: "Application load balancers must have routing.http.desync_mitigation_mode set to defensive (the default) or strictest; monitor lets requests that may be HTTP desync (request smuggling) attempts through. A missing attribute fails; network and gateway load balancers are skipped."
# custom:
#   id: ELB-AWS-006
#   severity: low
#   controls: [SC-7, SI-10]
#   resource_types: ["AWS::ElasticLoadBalancingV2::LoadBalancer"]
#   remediation: aws elbv2 modify-load-balancer-attributes --load-balancer-arn <lb> --attributes Key=routing.http.desync_mitigation_mode,Value=defensive.
package vigil.rules.aws.elb.desync_mitigation

deny contains {"msg": msg, "path": "config.Attributes[\"routing.http.desync_mitigation_mode\"]"} if {
	lower(object.get(input.config, "Type", "application")) == "application"
	mode := object.get(object.get(input.config, "Attributes", {}), "routing.http.desync_mitigation_mode", "unset")
	not lower(mode) in {"defensive", "strictest"}
	msg := sprintf("application load balancer %s desync mitigation mode is %s, not defensive or strictest", [input.config.LoadBalancerName, mode])
}
