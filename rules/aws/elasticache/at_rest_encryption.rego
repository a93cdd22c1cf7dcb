# METADATA
# title: ElastiCache replication group is not encrypted at rest
# custom:
#   id: EC-AWS-001
#   severity: high
#   controls: [SC-13, SC-28, SC-28(1)]
#   resource_types: ["AWS::ElastiCache::ReplicationGroup"]
#   remediation: Create a new replication group with --at-rest-encryption-enabled from a backup of this one (at-rest encryption cannot be turned on in place).
package vigil.rules.aws.elasticache.at_rest_encryption

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.AtRestEncryptionEnabled"} if {
	object.get(input.config, "AtRestEncryptionEnabled", false) != true
	msg := sprintf("replication group %s is not encrypted at rest", [aws.label(input)])
}
