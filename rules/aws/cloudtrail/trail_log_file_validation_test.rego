package vigil.rules.aws.cloudtrail.trail_log_file_validation

test_deny_off if {
	r := deny with input as {"config": {"Name": "t", "LogFileValidationEnabled": false}}
	r == {{"msg": "trail t does not validate its log files", "path": "config.LogFileValidationEnabled"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"config": {"Name": "t"}}
}

test_allow_on if {
	count(deny) == 0 with input as {"config": {"Name": "t", "LogFileValidationEnabled": true}}
}
