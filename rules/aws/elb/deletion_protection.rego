# METADATA
# title: Load balancer deletion protection is off
# description: The attribute deletion_protection.enabled must be "true"; a missing attribute fails.
# custom:
#   id: ELB-AWS-003
#   severity: low
#   controls: [CA-7(4), CM-2, CM-2(2), CM-3, CM-8(6), CP-1, CP-2, CP-2(5), SA-15, SC-5(2), SC-22]
#   resource_types: ["AWS::ElasticLoadBalancingV2::LoadBalancer"]
#   remediation: aws elbv2 modify-load-balancer-attributes --load-balancer-arn <lb> --attributes Key=deletion_protection.enabled,Value=true.
package vigil.rules.aws.elb.deletion_protection

deny contains {"msg": msg, "path": "config.Attributes[\"deletion_protection.enabled\"]"} if {
	value := object.get(object.get(input.config, "Attributes", {}), "deletion_protection.enabled", "unset")
	value != "true"
	msg := sprintf("load balancer %s has deletion protection off (deletion_protection.enabled is %s)", [input.config.LoadBalancerName, value])
}
