# METADATA
# title: Default security group allows traffic
# custom:
#   id: NET-AWS-003
#   severity: high
#   controls: [AC-4(21), AC-17, AC-17(1), AC-17(4), AC-17(9), AC-17(10), CM-6, CM-9, SC-7, SC-7(5), SC-7(7), SC-7(11), SC-7(12), SC-7(16), SC-7(21), SC-7(24), SC-7(25), SC-7(26), SC-7(27), SC-7(28)]
#   resource_types: ["AWS::EC2::SecurityGroup"]
#   remediation: Remove every inbound and outbound rule from the VPC's default security group; use dedicated groups.
package vigil.rules.aws.ec2.default_sg_closed

deny contains {"msg": msg, "path": sprintf("config.%s", [key])} if {
	input.config.GroupName == "default"
	some key in ["IpPermissions", "IpPermissionsEgress"]
	count(object.get(input.config, key, [])) > 0
	msg := sprintf("default security group %s of %s has %s rules", [input.config.GroupId, object.get(input.config, "VpcId", "its VPC"), key])
}
