# METADATA
# title: Lambda function has no dead-letter queue
# description: "DeadLetterConfig.TargetArn must name an SQS queue or SNS topic, so that asynchronous events that fail every retry are kept. A function without DeadLetterConfig fails."
# custom:
#   id: LAMBDA-AWS-005
#   severity: low
#   controls: [AU-12(3), AU-14, CA-2(2), CA-7, PM-14, PM-31, SC-36(1), SI-2]
#   resource_types: ["AWS::Lambda::Function"]
#   remediation: aws lambda update-function-configuration --function-name <function> --dead-letter-config TargetArn=<sqs queue or sns topic arn>.
package vigil.rules.aws.lambda.dead_letter_queue

deny contains {"msg": msg, "path": "config.DeadLetterConfig.TargetArn"} if {
	object.get(input.config, ["DeadLetterConfig", "TargetArn"], "") == ""
	msg := sprintf("Lambda function %s has no dead-letter queue", [input.config.FunctionName])
}
