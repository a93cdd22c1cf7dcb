package vigil.rules.aws.lambda.public_policy

fn(policy) := {"type": "AWS::Lambda::Function", "config": {"FunctionName": "hook", "Policy": policy}}

test_deny_public_principal if {
	r := deny with input as fn({"Version": "2012-10-17", "Statement": [{"Sid": "open", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:111122223333:function:hook"}]})
	r == {{"msg": "Lambda function hook resource policy lets anyone invoke it (statement open)", "path": "config.Policy"}}
}

test_deny_aws_star_single_statement if {
	count(deny) == 1 with input as fn({"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "lambda:InvokeFunction"}})
}

test_allow_source_arn_condition if {
	count(deny) == 0 with input as fn({"Statement": [{"Sid": "s3", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::bucket"}}}]})
}

test_allow_service_principal if {
	count(deny) == 0 with input as fn({"Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "lambda:InvokeFunction"}]})
}

test_allow_function_url_statement if {
	count(deny) == 0 with input as fn({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunctionUrl", "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}}]})
}

test_allow_policy_missing if {
	count(deny) == 0 with input as {"config": {"FunctionName": "hook"}}
}
