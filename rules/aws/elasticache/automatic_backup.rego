# METADATA
# title: ElastiCache replication group automatic backups are off
# custom:
#   id: EC-AWS-004
#   severity: medium
#   controls: [CP-9, CP-10]
#   resource_types: ["AWS::ElastiCache::ReplicationGroup"]
#   remediation: aws elasticache modify-replication-group --replication-group-id <group> --snapshot-retention-limit 7 --apply-immediately.
package vigil.rules.aws.elasticache.automatic_backup

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.SnapshotRetentionLimit"} if {
	object.get(input.config, "SnapshotRetentionLimit", 0) <= 0
	msg := sprintf("replication group %s has automatic backups off (SnapshotRetentionLimit 0)", [aws.label(input)])
}
