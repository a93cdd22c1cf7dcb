# METADATA
# title: Load balancer access logging is off
# description: "Application and network load balancers must have the attribute access_logs.s3.enabled set to \"true\"; a missing attribute fails. Gateway load balancers have no access logs and are skipped."
# custom:
#   id: LOG-AWS-005
#   severity: medium
#   controls: [AC-4(26), AU-2, AU-3, AU-6(3), AU-6(4), AU-6(6), AU-6(9), AU-8, AU-10, AU-12, AU-12(1), AU-12(2), AU-12(3), AU-12(4), AU-14, AU-14(3), CA-7, CM-5(1), IA-3(3), MA-4(1), PM-14, PM-31, SC-7(9), SI-4(17), SI-7(8)]
#   resource_types: ["AWS::ElasticLoadBalancingV2::LoadBalancer"]
#   remediation: aws elbv2 modify-load-balancer-attributes --load-balancer-arn <lb> --attributes Key=access_logs.s3.enabled,Value=true Key=access_logs.s3.bucket,Value=<bucket>.
package vigil.rules.aws.elb.access_logs_enabled

deny contains {"msg": msg, "path": "config.Attributes[\"access_logs.s3.enabled\"]"} if {
	lower(object.get(input.config, "Type", "application")) != "gateway"
	value := object.get(object.get(input.config, "Attributes", {}), "access_logs.s3.enabled", "unset")
	value != "true"
	msg := sprintf("load balancer %s does not write access logs (access_logs.s3.enabled is %s)", [input.config.LoadBalancerName, value])
}
