# METADATA
# title: EC2 instance has a public IP address
# custom:
#   id: NET-AWS-004
#   severity: medium
#   controls: [AC-2(6), AC-3, AC-3(7), AC-4(21), AC-6, AC-17, AC-17(1), AC-17(4), AC-17(9), AC-17(10), MP-2, SC-7, SC-7(3), SC-7(7), SC-7(9), SC-7(11), SC-7(12), SC-7(16), SC-7(20), SC-7(21), SC-7(24), SC-7(25), SC-7(26), SC-7(27), SC-7(28), SC-25]
#   resource_types: ["AWS::EC2::Instance"]
#   remediation: Launch instances in private subnets behind a load balancer or NAT; disable auto-assign public IP on subnets.
package vigil.rules.aws.ec2.instance_no_public_ip

deny contains {"msg": msg, "path": "config.PublicIpAddress"} if {
	ip := input.config.PublicIpAddress
	ip != ""
	msg := sprintf("instance %s has the public IP address %s", [input.config.InstanceId, ip])
}
