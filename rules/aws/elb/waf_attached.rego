# METADATA
# title: Internet-facing application load balancer has no WAF web ACL
# description: "An internet-facing application load balancer must be associated with a WAFv2 web ACL (WebACLArn). A load balancer without Scheme is taken as internet-facing and one without Type as an application load balancer (the API's defaults). Internal, network and gateway load balancers are skipped."
# custom:
#   id: ELB-AWS-005
#   severity: medium
#   controls: [AC-4(21)]
#   resource_types: ["AWS::ElasticLoadBalancingV2::LoadBalancer"]
#   remediation: aws wafv2 associate-web-acl --web-acl-arn <web ACL> --resource-arn <lb> (a web ACL with at least the AWS managed core rule set).
package vigil.rules.aws.elb.waf_attached

deny contains {"msg": msg, "path": "config.WebACLArn"} if {
	lower(object.get(input.config, "Type", "application")) == "application"
	lower(object.get(input.config, "Scheme", "internet-facing")) == "internet-facing"
	trim_space(object.get(input.config, "WebACLArn", "")) == ""
	msg := sprintf("internet-facing application load balancer %s is not protected by a WAF web ACL", [input.config.LoadBalancerName])
}
