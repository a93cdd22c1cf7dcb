package vigil.rules.aws.guards.guardduty_enabled

test_deny_no_detector if {
	r := deny with input as {"region": "eu-west-1", "type": "AWS::GuardDuty::Detector", "config": {"Status": "NONE", "Features": []}}
	r == {{"msg": "GuardDuty has no detector in eu-west-1", "path": "config.Status"}}
}

test_deny_suspended if {
	r := deny with input as {"region": "eu-west-1", "config": {"DetectorId": "abc", "Status": "DISABLED", "Features": []}}
	r == {{"msg": "GuardDuty detector abc in eu-west-1 is disabled", "path": "config.Status"}}
}

test_deny_status_missing if {
	count(deny) == 1 with input as {"region": "eu-west-1", "config": {}}
}

test_allow_enabled if {
	count(deny) == 0 with input as {"region": "eu-west-1", "config": {"DetectorId": "abc", "Status": "ENABLED", "FindingPublishingFrequency": "SIX_HOURS", "Features": [{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}]}}
}

# A template scanned without a region: the detector it declares is judged all the same.
test_deny_disabled_without_region if {
	r := deny with input as {"config": {"DetectorId": "${Det}", "Status": "DISABLED", "Features": []}}
	r == {{"msg": "GuardDuty detector ${Det} in the region it deploys to is disabled", "path": "config.Status"}}
}
