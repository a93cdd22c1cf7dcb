# METADATA
# title: Lambda function URL does not require authentication
# description: "FunctionUrlAuthType NONE lets anyone on the internet call the function's URL. A function without a URL passes."
# custom:
#   id: LAMBDA-AWS-002
#   severity: high
#   controls: [AC-2(6), AC-3, AC-3(7), AC-4(21), AC-6, AC-17, AC-17(1), AC-17(4), AC-17(9), AC-17(10), MP-2, SC-7, SC-7(3), SC-7(7), SC-7(9), SC-7(11), SC-7(12), SC-7(16), SC-7(20), SC-7(21), SC-7(24), SC-7(25), SC-7(26), SC-7(27), SC-7(28), SC-25]
#   resource_types: ["AWS::Lambda::Function"]
#   remediation: aws lambda update-function-url-config --function-name <function> --auth-type AWS_IAM (or delete the URL and put API Gateway with an authorizer in front).
package vigil.rules.aws.lambda.function_url_auth

deny contains {"msg": msg, "path": "config.FunctionUrlAuthType"} if {
	object.get(input.config, "FunctionUrlAuthType", "") == "NONE"
	msg := sprintf("Lambda function %s has a function URL without authentication (auth type NONE)", [input.config.FunctionName])
}
