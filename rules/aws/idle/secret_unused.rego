# METADATA
# title: Secrets Manager secret not accessed for longer than unused_secret_days
# description: LastAccessedDate (a date, kept by AWS without time of day) more than unused_secret_days (default 90) before the scan; a secret never read counts from its CreatedDate. A secret with neither date is not reported.
# custom:
#   id: IDLE-AWS-006
#   severity: medium
#   controls: [AC-2(1), AC-3(3), AC-3(4), AC-3(8), AC-3(12), AC-3(13), AC-3(15), AC-4(28), CM-5(1), SC-23(3)]
#   resource_types: ["AWS::SecretsManager::Secret"]
#   remediation: Delete secrets nobody reads any more (check CloudTrail GetSecretValue events first), e.g. aws secretsmanager delete-secret --secret-id <secret> --recovery-window-in-days 30.
#   idle: report
package vigil.rules.aws.idle.secret_unused

import data.vigil.lib.aws

max_days := object.get(data.vigil.context.params, "unused_secret_days", 90)

# A bare date (YYYY-MM-DD) as an RFC 3339 timestamp at midnight UTC.
timestamp(ts) := sprintf("%sT00:00:00Z", [ts]) if regex.match(`^\d{4}-\d{2}-\d{2}$`, ts)

timestamp(ts) := ts if not regex.match(`^\d{4}-\d{2}-\d{2}$`, ts)

deny contains {"msg": msg, "path": "config.LastAccessedDate"} if {
	last := input.config.LastAccessedDate
	days := aws.days_since(timestamp(last))
	days > max_days
	msg := sprintf("secret %s not accessed for %d days", [aws.label(input), days])
}

deny contains {"msg": msg, "path": "config.LastAccessedDate"} if {
	object.get(input.config, "LastAccessedDate", "") == ""
	created := input.config.CreatedDate
	days := aws.days_since(timestamp(created))
	days > max_days
	msg := sprintf("secret %s never accessed since its creation %d days ago", [aws.label(input), days])
}
