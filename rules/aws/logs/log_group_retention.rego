# METADATA
# title: CloudWatch log group retention is shorter than log_retention_days
# description: RetentionInDays below log_retention_days (default 365). A log group without RetentionInDays never expires its events and passes.
# custom:
#   id: LOG-AWS-007
#   severity: medium
#   controls: [AC-16, AU-6(3), AU-6(4), AU-6(6), AU-6(9), AU-10, AU-11, AU-11(1), AU-12(1), AU-12(2), AU-12(3), AU-14, CA-7, PM-14, PM-21, PM-31, SC-28(2), SI-4(17), SI-12]
#   resource_types: ["AWS::Logs::LogGroup"]
#   remediation: aws logs put-retention-policy --log-group-name <group> --retention-in-days 365.
#   action: log_group_retention
package vigil.rules.aws.logs.log_group_retention

import data.vigil.lib.aws

min_days := object.get(data.vigil.context.params, "log_retention_days", 365)

deny contains {"msg": msg, "path": "config.RetentionInDays"} if {
	days := object.get(input.config, "RetentionInDays", null)
	days != null
	days < min_days
	msg := sprintf("log group %s keeps events for %d days, less than %d", [aws.label(input), days, min_days])
}
