# METADATA
# title: EC2 instance allows IMDSv1
# custom:
#   id: EC2-AWS-001
#   severity: high
#   controls: [AC-2(6), AC-3, AC-3(3), AC-3(4), AC-3(7), AC-3(8), AC-3(12), AC-3(13), AC-3(15), AC-4(28), AC-6, AC-24, CM-5(1), MP-2, SC-23(3)]
#   resource_types: ["AWS::EC2::Instance"]
#   remediation: "Require IMDSv2: aws ec2 modify-instance-metadata-options --http-tokens required (and set it in launch templates)."
package vigil.rules.aws.ec2.instance_imdsv2

deny contains {"msg": msg, "path": "config.MetadataOptions.HttpTokens"} if {
	opts := object.get(input.config, "MetadataOptions", {})
	object.get(opts, "HttpEndpoint", "enabled") != "disabled"
	object.get(opts, "HttpTokens", "optional") != "required"
	msg := sprintf("instance %s accepts IMDSv1 requests (HttpTokens is %s)", [input.config.InstanceId, object.get(opts, "HttpTokens", "unset")])
}
