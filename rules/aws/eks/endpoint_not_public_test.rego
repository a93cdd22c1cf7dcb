package vigil.rules.aws.eks.endpoint_not_public

cluster(vpc) := {"type": "AWS::EKS::Cluster", "config": {"Name": "prod", "ResourcesVpcConfig": vpc}}

test_deny_public_any_address if {
	r := deny with input as cluster({"EndpointPublicAccess": true, "EndpointPrivateAccess": true, "PublicAccessCidrs": ["0.0.0.0/0"]})
	r == {{"msg": "EKS cluster prod has a public API endpoint reachable from any address (0.0.0.0/0)", "path": "config.ResourcesVpcConfig.EndpointPublicAccess"}}
}

test_deny_public_cidrs_missing if {
	count(deny) == 1 with input as cluster({"EndpointPublicAccess": true})
}

test_deny_world_among_ranges if {
	count(deny) == 1 with input as cluster({"EndpointPublicAccess": true, "PublicAccessCidrs": ["203.0.113.0/24", "0.0.0.0/0"]})
}

test_allow_restricted_cidrs if {
	count(deny) == 0 with input as cluster({"EndpointPublicAccess": true, "PublicAccessCidrs": ["203.0.113.0/24"]})
}

test_allow_private_only if {
	count(deny) == 0 with input as cluster({"EndpointPublicAccess": false, "EndpointPrivateAccess": true, "PublicAccessCidrs": ["0.0.0.0/0"]})
}

test_allow_vpc_config_missing if {
	count(deny) == 0 with input as {"config": {"Name": "prod"}}
}
