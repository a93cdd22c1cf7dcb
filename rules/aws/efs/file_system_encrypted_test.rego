package vigil.rules.aws.efs.file_system_encrypted

test_deny_unencrypted if {
	r := deny with input as {"id": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123", "type": "AWS::EFS::FileSystem", "config": {"FileSystemId": "fs-0123", "Encrypted": false}}
	r == {{"msg": "file system fs-0123 is not encrypted at rest", "path": "config.Encrypted"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"name": "shared", "config": {"FileSystemId": "fs-0123"}}
}

test_allow_encrypted if {
	count(deny) == 0 with input as {"name": "shared", "config": {"FileSystemId": "fs-0123", "Encrypted": true, "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/k"}}
}
