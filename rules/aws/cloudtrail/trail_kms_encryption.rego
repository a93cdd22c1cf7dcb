# METADATA
# title: CloudTrail trail logs are not encrypted with KMS
# custom:
#   id: CT-AWS-001
#   severity: medium
#   controls: [AU-9(3), CM-6, CM-9, CP-9, SC-8(3), SC-8(4), SC-13, SC-28(1), SI-19(4)]
#   resource_types: ["AWS::CloudTrail::Trail"]
#   remediation: aws cloudtrail update-trail --name <trail> --kms-key-id <key>.
package vigil.rules.aws.cloudtrail.trail_kms_encryption

deny contains {"msg": msg, "path": "config.KmsKeyId"} if {
	object.get(input.config, "KmsKeyId", "") == ""
	msg := sprintf("trail %s does not encrypt its logs with SSE-KMS (no KmsKeyId)", [input.config.Name])
}
