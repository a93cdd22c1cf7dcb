# METADATA
# title: Credential stored in a resource tag
# custom:
#   id: SEC-AWS-001
#   severity: high
#   controls: [IA-5(7), SC-28]
#   resource_types: ["AWS::EC2::Instance", "AWS::EC2::Volume", "AWS::EC2::Snapshot", "AWS::EC2::EIP", "AWS::EC2::SecurityGroup", "AWS::EC2::VPC", "AWS::S3::Bucket", "AWS::KMS::Key", "AWS::RDS::DBInstance", "AWS::CloudTrail::Trail", "AWS::IAM::User", "AWS::IAM::Role", "AWS::RDS::DBCluster", "AWS::EKS::Cluster", "AWS::ECS::Cluster", "AWS::ECS::Service", "AWS::ECS::TaskDefinition", "AWS::Lambda::Function", "AWS::ECR::Repository", "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::WAFv2::WebACL", "AWS::ACM::Certificate", "AWS::SecretsManager::Secret", "AWS::Logs::LogGroup", "AWS::SNS::Topic", "AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::ElastiCache::ReplicationGroup", "AWS::EFS::FileSystem", "AWS::EC2::NetworkAcl", "AWS::EC2::Subnet", "AWS::EC2::NatGateway"]
#   remediation: Remove the tag and rotate the credential; keep credentials in Secrets Manager or SSM Parameter Store (SecureString) and tag the resource with the secret's name or ARN instead. Tags are readable by anyone with describe or tag:GetResources rights and are copied into billing data.
package vigil.rules.aws.secrets.tag_credentials

import data.vigil.lib.aws

# vigil replaces credential-looking values with this text (and a keyed hash) before rules
# run, so a rule sees where a credential was, never the credential.
redacted := "(redacted by vigil)"

deny contains {"msg": msg, "path": sprintf("tags[%q]", [key])} if {
	some key, value in input.tags
	contains(value, redacted)
	msg := sprintf("%s: tag %s carries a credential", [aws.label(input), key])
}
