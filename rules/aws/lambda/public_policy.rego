# METADATA
# title: Lambda function resource policy allows public invocation
# description: "A statement of the function's resource-based policy allows Principal * (or AWS *) without a condition that ties it to an account, organization, source ARN or network (see vigil.lib.aws_policy). Function URLs without authentication are LAMBDA-AWS-002."
# custom:
#   id: LAMBDA-AWS-001
#   severity: critical
#   controls: [AC-2(6), AC-3, AC-3(7), AC-4(21), AC-6, AC-17, AC-17(1), AC-17(4), AC-17(9), AC-17(10), MP-2, SC-7, SC-7(3), SC-7(7), SC-7(9), SC-7(11), SC-7(12), SC-7(16), SC-7(20), SC-7(21), SC-7(24), SC-7(25), SC-7(26), SC-7(27), SC-7(28), SC-25]
#   resource_types: ["AWS::Lambda::Function"]
#   remediation: aws lambda remove-permission --function-name <function> --statement-id <sid>, then grant invocation to a named principal with --source-arn or --source-account.
package vigil.rules.aws.lambda.public_policy

import data.vigil.lib.aws_policy

public := aws_policy.public_allows(object.get(input.config, "Policy", {}))

deny contains {"msg": msg, "path": "config.Policy"} if {
	count(public) > 0
	sids := sort({object.get(s, "Sid", "(no Sid)") | some s in public})
	msg := sprintf("Lambda function %s resource policy lets anyone invoke it (statement %s)", [input.config.FunctionName, concat(", ", sids)])
}
