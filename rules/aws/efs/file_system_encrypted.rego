# METADATA
# title: EFS file system is not encrypted at rest
# custom:
#   id: EFS-AWS-001
#   severity: high
#   controls: [AU-9(3), CP-9, SC-8(3), SC-8(4), SC-13, SC-28(1), SI-19(4)]
#   resource_types: ["AWS::EFS::FileSystem"]
#   remediation: Create an encrypted file system and copy the data across, e.g. with AWS DataSync (encryption at rest cannot be turned on in place).
package vigil.rules.aws.efs.file_system_encrypted

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.Encrypted"} if {
	object.get(input.config, "Encrypted", false) != true
	msg := sprintf("file system %s is not encrypted at rest", [aws.label(input)])
}
