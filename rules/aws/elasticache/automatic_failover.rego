# METADATA
# title: ElastiCache replication group automatic failover is off
# custom:
#   id: EC-AWS-005
#   severity: low
#   controls: [CP-2(5), CP-10]
#   resource_types: ["AWS::ElastiCache::ReplicationGroup"]
#   remediation: aws elasticache modify-replication-group --replication-group-id <group> --automatic-failover-enabled --multi-az-enabled --apply-immediately (the group needs at least one replica).
package vigil.rules.aws.elasticache.automatic_failover

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.AutomaticFailover"} if {
	status := object.get(input.config, "AutomaticFailover", "unknown")
	status != "enabled"
	msg := sprintf("replication group %s has automatic failover off (%s)", [aws.label(input), status])
}
