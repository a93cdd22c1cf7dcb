# METADATA
# title: Subnet assigns public IP addresses on launch
# description: A subnet with MapPublicIpOnLaunch true gives every instance launched in it a public IPv4 address unless the launch says otherwise. A subnet without the field is not judged.
# custom:
#   id: NET-AWS-009
#   severity: medium
#   controls: [AC-2(6), AC-3, AC-3(7), AC-4(21), AC-6, AC-17, AC-17(1), AC-17(4), AC-17(9), AC-17(10), MP-2, SC-7, SC-7(3), SC-7(7), SC-7(9), SC-7(11), SC-7(12), SC-7(16), SC-7(20), SC-7(21), SC-7(24), SC-7(25), SC-7(26), SC-7(27), SC-7(28), SC-25]
#   resource_types: ["AWS::EC2::Subnet"]
#   remediation: aws ec2 modify-subnet-attribute --subnet-id <subnet> --no-map-public-ip-on-launch (and assign public addresses explicitly where needed).
package vigil.rules.aws.vpc.subnet_no_auto_public_ip

deny contains {"msg": msg, "path": "config.MapPublicIpOnLaunch"} if {
	object.get(input.config, "MapPublicIpOnLaunch", false) == true
	msg := sprintf("%s %s (%s) assigns a public IP address to every instance launched in it", [kind, input.config.SubnetId, object.get(input.config, "VpcId", "unknown VPC")])
}

kind := "default subnet" if object.get(input.config, "DefaultForAz", false) == true

kind := "subnet" if object.get(input.config, "DefaultForAz", false) != true
