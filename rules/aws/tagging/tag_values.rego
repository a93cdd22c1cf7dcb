# METADATA
# title: Tag value does not conform (environment, owner, placeholders)
# custom:
#   id: TAG-AWS-005
#   severity: low
#   controls: [CM-8, CM-8(4)]
#   resource_types: ["AWS::EC2::Instance", "AWS::EC2::Volume", "AWS::EC2::Snapshot", "AWS::EC2::EIP", "AWS::EC2::SecurityGroup", "AWS::EC2::VPC", "AWS::S3::Bucket", "AWS::KMS::Key", "AWS::RDS::DBInstance", "AWS::CloudTrail::Trail", "AWS::IAM::User", "AWS::IAM::Role", "AWS::RDS::DBCluster", "AWS::EKS::Cluster", "AWS::ECS::Cluster", "AWS::ECS::Service", "AWS::ECS::TaskDefinition", "AWS::Lambda::Function", "AWS::ECR::Repository", "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::WAFv2::WebACL", "AWS::ACM::Certificate", "AWS::SecretsManager::Secret", "AWS::Logs::LogGroup", "AWS::SNS::Topic", "AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::ElastiCache::ReplicationGroup", "AWS::EFS::FileSystem", "AWS::EC2::NetworkAcl", "AWS::EC2::Subnet", "AWS::EC2::NatGateway"]
#   remediation: Use an environment from rules.params.allowed_environments, an e-mail address or team name as owner, and real values instead of placeholders.
package vigil.rules.aws.tagging.tag_values

import data.vigil.lib.aws

placeholders := {"tbd", "tbc", "none", "n/a", "na", "todo", "changeme", "change-me", "empty", "null", "unknown", "xxx", "-"}

deny contains {"msg": msg, "path": "tags.environment"} if {
	env := input.tags.environment
	trim_space(env) != ""
	not lower(env) in {lower(e) | some e in data.vigil.context.params.allowed_environments}
	msg := sprintf("%s: environment tag %q is not one of: %s", [aws.label(input), env, concat(", ", data.vigil.context.params.allowed_environments)])
}

deny contains {"msg": msg, "path": "tags.owner"} if {
	owner := input.tags.owner
	trim_space(owner) != ""
	not lower(trim_space(owner)) in placeholders
	not regex.match(`^[a-z0-9][a-z0-9._-]*$`, owner)
	not regex.match(`^[^@ ]+@[^@ ]+\.[^@ ]+$`, owner)
	msg := sprintf("%s: owner tag %q is neither an e-mail address nor a team name", [aws.label(input), owner])
}

deny contains {"msg": msg, "path": sprintf("tags.%s", [key])} if {
	some key, value in input.tags
	lower(trim_space(value)) in placeholders
	msg := sprintf("%s: tag %s has the placeholder value %q", [aws.label(input), key, value])
}
