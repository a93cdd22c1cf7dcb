# METADATA
# title: NIST_Control tag does not hold valid SP 800-53 control ids
# description: Where a NIST_Control tag is present, its value must be SP 800-53 Rev. 5 control ids joined by underscores, e.g. AC-2_AC-6 or AC-6.1_SC-28.
# custom:
#   id: TAG-AWS-006
#   severity: low
#   controls: [CM-8, CM-8(4)]
#   resource_types: ["AWS::EC2::Instance", "AWS::EC2::Volume", "AWS::EC2::Snapshot", "AWS::EC2::EIP", "AWS::EC2::SecurityGroup", "AWS::EC2::VPC", "AWS::S3::Bucket", "AWS::KMS::Key", "AWS::RDS::DBInstance", "AWS::CloudTrail::Trail", "AWS::IAM::User", "AWS::IAM::Role", "AWS::RDS::DBCluster", "AWS::EKS::Cluster", "AWS::ECS::Cluster", "AWS::ECS::Service", "AWS::ECS::TaskDefinition", "AWS::Lambda::Function", "AWS::ECR::Repository", "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::WAFv2::WebACL", "AWS::ACM::Certificate", "AWS::SecretsManager::Secret", "AWS::Logs::LogGroup", "AWS::SNS::Topic", "AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::ElastiCache::ReplicationGroup", "AWS::EFS::FileSystem", "AWS::EC2::NetworkAcl", "AWS::EC2::Subnet", "AWS::EC2::NatGateway"]
#   remediation: Set NIST_Control to valid control ids joined by _ (AC-2_SC-28; write enhancements as AC-6.1, since AWS tag values cannot hold parentheses).
package vigil.rules.aws.tagging.nist_control_tag

import data.vigil.lib.aws

# AC-6(1), ac-6.1, AC-06.1 -> ac-6.1 ; anything else -> unchanged (and then invalid)
normalize(part) := id if {
	m := regex.find_all_string_submatch_n(`^([A-Za-z]{2})-0*([0-9]+)(?:[.(]0*([0-9]+)\)?)?$`, trim_space(part), 1)
	count(m) == 1
	base := sprintf("%s-%s", [lower(m[0][1]), m[0][2]])
	id := with_enhancement(base, m[0][3])
}

with_enhancement(base, enh) := base if enh == ""

with_enhancement(base, enh) := sprintf("%s.%s", [base, enh]) if enh != ""

invalid contains part if {
	some part in split(input.tags.NIST_Control, "_")
	not data.vigil.controls[normalize(part)]
}

deny contains {"msg": msg, "path": "tags.NIST_Control"} if {
	count(invalid) > 0
	msg := sprintf("%s: NIST_Control tag %q has invalid control ids: %s", [aws.label(input), input.tags.NIST_Control, concat(", ", sort([sprintf("%q", [p]) | some p in invalid]))])
}
