package vigil.rules.aws.ecr.scan_on_push

test_deny_scan_off if {
	r := deny with input as {"type": "AWS::ECR::Repository", "config": {"RepositoryName": "web", "ImageScanningConfiguration": {"ScanOnPush": false}}}
	r == {{"msg": "ECR repository web does not scan images on push", "path": "config.ImageScanningConfiguration.ScanOnPush"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"config": {"RepositoryName": "web"}}
}

test_allow_scan_on if {
	count(deny) == 0 with input as {"config": {"RepositoryName": "web", "ImageScanningConfiguration": {"ScanOnPush": true}}}
}
