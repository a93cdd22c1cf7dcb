# METADATA
# title: Lambda function is not connected to a VPC
# description: "VpcConfig must list at least one subnet (SubnetIds). A function without VpcConfig runs in a Lambda-managed network with unrestricted internet egress and cannot be reached by VPC security controls."
# custom:
#   id: LAMBDA-AWS-004
#   severity: low
#   controls: [AC-4, SC-7]
#   resource_types: ["AWS::Lambda::Function"]
#   remediation: aws lambda update-function-configuration --function-name <function> --vpc-config SubnetIds=<private subnets>,SecurityGroupIds=<sg>.
package vigil.rules.aws.lambda.inside_vpc

deny contains {"msg": msg, "path": "config.VpcConfig"} if {
	count(object.get(input.config, ["VpcConfig", "SubnetIds"], [])) == 0
	msg := sprintf("Lambda function %s is not connected to a VPC", [input.config.FunctionName])
}
