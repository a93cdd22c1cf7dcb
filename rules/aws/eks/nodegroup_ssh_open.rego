# METADATA
# title: EKS node group allows SSH from anywhere
# description: "A node group whose RemoteAccess names an EC2 key pair (Ec2SshKey) but no SourceSecurityGroups gets a security group that opens port 22 to 0.0.0.0/0."
# custom:
#   id: EKS-AWS-003
#   severity: high
#   controls: [AC-17, CM-7, SC-7]
#   resource_types: ["AWS::EKS::Cluster"]
#   remediation: Recreate the node group with remote access limited to source security groups (--remote-access ec2SshKey=<key>,sourceSecurityGroups=<sg>) or without an SSH key, and use SSM Session Manager instead.
package vigil.rules.aws.eks.nodegroup_ssh_open

deny contains {"msg": msg, "path": sprintf("config.Nodegroups[%d].RemoteAccess.SourceSecurityGroups", [i])} if {
	some i, ng in object.get(input.config, "Nodegroups", [])
	access := object.get(ng, "RemoteAccess", {})
	key := object.get(access, "Ec2SshKey", "")
	is_string(key)
	key != ""
	count(object.get(access, "SourceSecurityGroups", [])) == 0
	msg := sprintf("EKS cluster %s: node group %s allows SSH with key pair %s from any address", [input.config.Name, object.get(ng, "NodegroupName", sprintf("#%d", [i])), key])
}
