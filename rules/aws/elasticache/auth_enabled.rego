# METADATA
# title: ElastiCache replication group requires no authentication
# description: Neither an AUTH token (AuthTokenEnabled) nor RBAC user groups (UserGroupIds) protect the group, so any client that reaches it can run commands.
# custom:
#   id: EC-AWS-003
#   severity: high
#   controls: [AC-3, IA-2, IA-9]
#   resource_types: ["AWS::ElastiCache::ReplicationGroup"]
#   remediation: aws elasticache modify-replication-group --replication-group-id <group> --user-group-ids-to-add <user group> (or --auth-token <token> --auth-token-update-strategy SET; both need in-transit encryption).
package vigil.rules.aws.elasticache.auth_enabled

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.AuthTokenEnabled"} if {
	object.get(input.config, "AuthTokenEnabled", false) != true
	count(object.get(input.config, "UserGroupIds", [])) == 0
	msg := sprintf("replication group %s requires no authentication (no AUTH token, no RBAC user group)", [aws.label(input)])
}
