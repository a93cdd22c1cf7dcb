# METADATA
# title: Application load balancer does not drop invalid HTTP header fields
# description: "Application load balancers must have routing.http.drop_invalid_header_fields.enabled set to \"true\", so that headers that are not valid HTTP header names are removed before requests reach the targets (a defence against request smuggling). A missing attribute fails; network and gateway load balancers are skipped."
# custom:
#   id: ELB-AWS-004
#   severity: medium
#   controls: [SC-7, SI-10]
#   resource_types: ["AWS::ElasticLoadBalancingV2::LoadBalancer"]
#   remediation: aws elbv2 modify-load-balancer-attributes --load-balancer-arn <lb> --attributes Key=routing.http.drop_invalid_header_fields.enabled,Value=true.
#   action: alb_drop_invalid_headers
package vigil.rules.aws.elb.drop_invalid_headers

deny contains {"msg": msg, "path": "config.Attributes[\"routing.http.drop_invalid_header_fields.enabled\"]"} if {
	lower(object.get(input.config, "Type", "application")) == "application"
	value := object.get(object.get(input.config, "Attributes", {}), "routing.http.drop_invalid_header_fields.enabled", "unset")
	value != "true"
	msg := sprintf("application load balancer %s forwards invalid HTTP header fields (routing.http.drop_invalid_header_fields.enabled is %s)", [input.config.LoadBalancerName, value])
}
