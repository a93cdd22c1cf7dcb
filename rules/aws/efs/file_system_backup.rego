# METADATA
# title: EFS file system automatic backups are off
# custom:
#   id: EFS-AWS-002
#   severity: medium
#   controls: [CP-2(5), CP-6, CP-6(1), CP-6(2), CP-9, CP-10, CP-10(2), SC-5(2), SI-13(5)]
#   resource_types: ["AWS::EFS::FileSystem"]
#   remediation: aws efs put-backup-policy --file-system-id <fs> --backup-policy Status=ENABLED.
package vigil.rules.aws.efs.file_system_backup

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "config.BackupPolicyStatus"} if {
	status := object.get(input.config, "BackupPolicyStatus", "unknown")
	status != "ENABLED"
	msg := sprintf("file system %s has automatic backups off (backup policy %s)", [aws.label(input), status])
}
