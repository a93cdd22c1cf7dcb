package vigil.rules.aws.cloudtrail.trail_log_file_validation

test_deny_off if {
	count(deny) == 1 with input as {"config": {"Name": "t", "LogFileValidationEnabled": false}}
}

test_allow_on if {
	count(deny) == 0 with input as {"config": {"Name": "t", "LogFileValidationEnabled": true}}
}
