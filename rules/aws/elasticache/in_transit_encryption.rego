# METADATA
# title: ElastiCache replication group is not encrypted in transit
# custom:
#   id: EC-AWS-002
#   severity: high
#   controls: [SC-8, SC-8(1), SC-13]
#   resource_types: ["AWS::ElastiCache::ReplicationGroup"]
#   remediation: aws elasticache modify-replication-group --replication-group-id <group> --transit-encryption-enabled --transit-encryption-mode preferred, then required (engines before Redis OSS 7 need a new group).
package vigil.rules.aws.elasticache.in_transit_encryption

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.TransitEncryptionEnabled"} if {
	object.get(input.config, "TransitEncryptionEnabled", false) != true
	msg := sprintf("replication group %s is not encrypted in transit", [aws.label(input)])
}
