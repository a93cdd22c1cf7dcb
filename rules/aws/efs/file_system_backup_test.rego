package vigil.rules.aws.efs.file_system_backup

test_deny_disabled if {
	r := deny with input as {"name": "shared", "type": "AWS::EFS::FileSystem", "config": {"FileSystemId": "fs-0123", "Name": "shared", "BackupPolicyStatus": "DISABLED"}}
	r == {{"msg": "file system shared has automatic backups off (backup policy DISABLED)", "path": "config.BackupPolicyStatus"}}
}

test_deny_field_missing if {
	r := deny with input as {"name": "shared", "config": {"FileSystemId": "fs-0123"}}
	r == {{"msg": "file system shared has automatic backups off (backup policy unknown)", "path": "config.BackupPolicyStatus"}}
}

test_allow_enabled if {
	count(deny) == 0 with input as {"name": "shared", "config": {"FileSystemId": "fs-0123", "BackupPolicyStatus": "ENABLED"}}
}
