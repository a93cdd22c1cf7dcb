# METADATA
# title: Secrets Manager secret not rotated within secret_rotation_days
# description: The secret's last rotation (LastRotatedDate, else CreatedDate for a secret never rotated) is more than secret_rotation_days (default 90) before the scan. Checked whether rotation is on (a schedule that fails or lags) or off (the secret is never rotated). A secret with neither date is reported.
# custom:
#   id: SM-AWS-003
#   severity: medium
#   controls: [IA-5, IA-5(1)]
#   resource_types: ["AWS::SecretsManager::Secret"]
#   remediation: aws secretsmanager rotate-secret --secret-id <secret> (and fix the rotation function if rotation is on but lagging).
package vigil.rules.aws.secretsmanager.rotated_periodically

import data.vigil.lib.aws

max_days := object.get(data.vigil.context.params, "secret_rotation_days", 90)

rotation := "on" if object.get(input.config, "RotationEnabled", false) == true

rotation := "off" if object.get(input.config, "RotationEnabled", false) != true

deny contains {"msg": msg, "path": "config.LastRotatedDate"} if {
	last := input.config.LastRotatedDate
	days := aws.days_since(last)
	days > max_days
	msg := sprintf("secret %s last rotated %d days ago, more than %d (rotation is %s)", [aws.label(input), days, max_days, rotation])
}

deny contains {"msg": msg, "path": "config.LastRotatedDate"} if {
	not input.config.LastRotatedDate
	created := input.config.CreatedDate
	days := aws.days_since(created)
	days > max_days
	msg := sprintf("secret %s never rotated since its creation %d days ago, more than %d (rotation is %s)", [aws.label(input), days, max_days, rotation])
}

deny contains {"msg": msg, "path": "config.LastRotatedDate"} if {
	object.get(input.config, "LastRotatedDate", "") == ""
	object.get(input.config, "CreatedDate", "") == ""
	msg := sprintf("secret %s has no LastRotatedDate or CreatedDate, so its rotation within %d days cannot be shown (rotation is %s)", [aws.label(input), max_days, rotation])
}
