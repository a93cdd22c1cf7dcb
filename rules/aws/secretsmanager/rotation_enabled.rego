# METADATA
# title: Secrets Manager secret rotation is off
# custom:
#   id: SM-AWS-001
#   severity: medium
#   controls: [AC-2(1), AC-3(3), AC-3(4), AC-3(8), AC-3(12), AC-3(13), AC-3(15), AC-4(28), AC-24, CM-5(1), SC-23(3)]
#   resource_types: ["AWS::SecretsManager::Secret"]
#   remediation: aws secretsmanager rotate-secret --secret-id <secret> --rotation-lambda-arn <function> --rotation-rules AutomaticallyAfterDays=30.
package vigil.rules.aws.secretsmanager.rotation_enabled

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.RotationEnabled"} if {
	object.get(input.config, "RotationEnabled", false) != true
	msg := sprintf("secret %s does not rotate automatically", [aws.label(input)])
}
