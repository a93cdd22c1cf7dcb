# METADATA
# title: Resource is missing required tags
# custom:
#   id: TAG-AWS-004
#   severity: low
#   controls: [CM-8, CM-8(4)]
#   resource_types: ["AWS::RDS::DBInstance", "AWS::KMS::Key", "AWS::EC2::VPC", "AWS::RDS::DBCluster", "AWS::EKS::Cluster", "AWS::ECS::Cluster", "AWS::ECS::Service", "AWS::ECS::TaskDefinition", "AWS::Lambda::Function", "AWS::ECR::Repository", "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::WAFv2::WebACL", "AWS::ACM::Certificate", "AWS::SecretsManager::Secret", "AWS::Logs::LogGroup", "AWS::SNS::Topic", "AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::ElastiCache::ReplicationGroup", "AWS::EFS::FileSystem", "AWS::EC2::NetworkAcl", "AWS::EC2::Subnet", "AWS::EC2::NatGateway"]
#   remediation: Add the missing tags (keys from rules.params.required_tags) with non-empty values, preferably through the IaC that creates the resource.
#   action: add_tags
package vigil.rules.aws.tagging.resource_required_tags

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "tags"} if {
	missing := aws.missing_tags(input.tags, data.vigil.context.params.required_tags)
	count(missing) > 0
	msg := sprintf("%s is missing required tags: %s", [sprintf("%s %s", [input.type, aws.label(input)]), concat(", ", missing)])
}
