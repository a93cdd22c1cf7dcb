# METADATA
# title: EBS encryption by default is off in the region
# custom:
#   id: EBS-AWS-002
#   severity: high
#   controls: [AU-9(3), CM-6, CM-9, CP-9, SC-8(3), SC-8(4), SC-13, SC-28(1), SI-19(4)]
#   resource_types: ["AWS::EC2::EBSEncryptionDefault"]
#   remediation: aws ec2 enable-ebs-encryption-by-default --region <region> (optionally with a customer-managed default key).
#   action: ebs_encryption_by_default
package vigil.rules.aws.ec2.ebs_encryption_by_default

deny contains {"msg": msg, "path": "config.EbsEncryptionByDefault"} if {
	object.get(input.config, "EbsEncryptionByDefault", false) != true
	msg := sprintf("EBS encryption by default is off in %s", [object.get(input, "region", "the region it deploys to")])
}
