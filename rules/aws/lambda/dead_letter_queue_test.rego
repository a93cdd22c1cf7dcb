package vigil.rules.aws.lambda.dead_letter_queue

test_deny_dead_letter_config_missing if {
	r := deny with input as {"type": "AWS::Lambda::Function", "config": {"FunctionName": "hook"}}
	r == {{"msg": "Lambda function hook has no dead-letter queue", "path": "config.DeadLetterConfig.TargetArn"}}
}

test_deny_target_missing if {
	count(deny) == 1 with input as {"config": {"FunctionName": "hook", "DeadLetterConfig": {}}}
}

test_allow_queue if {
	count(deny) == 0 with input as {"config": {"FunctionName": "hook", "DeadLetterConfig": {"TargetArn": "arn:aws:sqs:us-east-1:111122223333:hook-dlq"}}}
}
