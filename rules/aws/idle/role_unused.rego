# METADATA
# title: IAM role unused for longer than unused_credential_days
# custom:
#   id: IDLE-AWS-005
#   severity: medium
#   controls: [AC-2(3), AC-6(7)]
#   resource_types: ["AWS::IAM::Role"]
#   remediation: Delete roles nobody assumes any more (check RoleLastUsed and CloudTrail first).
#   idle: report
package vigil.rules.aws.idle.role_unused

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.RoleLastUsed"} if {
	not startswith(object.get(input.config, "Path", "/"), "/aws-service-role/")
	last := object.get(object.get(input.config, "RoleLastUsed", {}), "LastUsedDate", input.config.CreateDate)
	aws.days_since(last) > data.vigil.context.params.unused_credential_days
	msg := sprintf("role %s not used for %d days", [input.name, aws.days_since(last)])
}
