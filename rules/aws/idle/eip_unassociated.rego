# METADATA
# title: Elastic IP address is not associated
# custom:
#   id: IDLE-AWS-003
#   severity: low
#   controls: [CM-7(1), CM-8]
#   resource_types: ["AWS::EC2::EIP"]
#   remediation: Release the address if it is not needed (unassociated addresses are billed).
package vigil.rules.aws.idle.eip_unassociated

deny contains {"msg": msg, "path": "config.AssociationId"} if {
	not input.config.AssociationId
	msg := sprintf("Elastic IP %s is not associated with anything", [input.config.PublicIp])
}
