# METADATA
# title: Lambda environment variables are not encrypted with a customer-managed KMS key
# description: "A function with environment variables must name a customer-managed KMS key (KMSKeyArn); without it Lambda encrypts them with an AWS-managed key that every principal allowed to read the function's configuration can decrypt. A function without variables passes."
# custom:
#   id: LAMBDA-AWS-006
#   severity: low
#   controls: [SC-12, SC-28(1)]
#   resource_types: ["AWS::Lambda::Function"]
#   remediation: aws lambda update-function-configuration --function-name <function> --kms-key-arn <customer-managed key arn>.
package vigil.rules.aws.lambda.environment_kms

deny contains {"msg": msg, "path": "config.KMSKeyArn"} if {
	object.get(input.config, "KMSKeyArn", "") == ""
	count(object.get(input.config, ["Environment", "Variables"], {})) > 0
	msg := sprintf("Lambda function %s environment variables are not encrypted with a customer-managed KMS key", [input.config.FunctionName])
}
