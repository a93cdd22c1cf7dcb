# METADATA
# title: EKS cluster API endpoint is open to the internet
# description: "The public endpoint is on (ResourcesVpcConfig.EndpointPublicAccess) and PublicAccessCidrs is empty or holds 0.0.0.0/0 (or ::/0). A public endpoint limited to named CIDR blocks passes."
# custom:
#   id: NET-AWS-007
#   severity: high
#   controls: [AC-3, AC-3(7), AC-4, AC-4(21), AC-6, AC-21, SC-7, SC-7(3), SC-7(4), SC-7(9), SC-7(11), SC-7(16), SC-7(20), SC-7(21)]
#   resource_types: ["AWS::EKS::Cluster"]
#   remediation: aws eks update-cluster-config --name <cluster> --resources-vpc-config endpointPrivateAccess=true,endpointPublicAccess=false (or publicAccessCidrs=<your ranges>).
package vigil.rules.aws.eks.endpoint_not_public

vpc := object.get(input.config, "ResourcesVpcConfig", {})

cidrs := object.get(vpc, "PublicAccessCidrs", [])

open_to_world if count(cidrs) == 0

open_to_world if {
	some c in cidrs
	c in {"0.0.0.0/0", "::/0"}
}

deny contains {"msg": msg, "path": "config.ResourcesVpcConfig.EndpointPublicAccess"} if {
	object.get(vpc, "EndpointPublicAccess", false) == true
	open_to_world
	msg := sprintf("EKS cluster %s has a public API endpoint reachable from any address (0.0.0.0/0)", [input.config.Name])
}
