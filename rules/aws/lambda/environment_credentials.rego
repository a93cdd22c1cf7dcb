# METADATA
# title: Credential passed to a Lambda function in a plain environment variable
# description: "An Environment.Variables key that looks like a credential (password, secret, token, API key, access key, private key, credentials; as whole words, so SECRET_NAME or TOKEN_TTL pass) with a non-empty value. vigil redacts the values; the names are enough to tell. Environment values are readable by anyone allowed lambda:GetFunctionConfiguration."
# custom:
#   id: SEC-AWS-003
#   severity: high
#   controls: [IA-5(7), SC-28]
#   resource_types: ["AWS::Lambda::Function"]
#   remediation: Move the value to Secrets Manager or SSM Parameter Store (SecureString), have the function read it at start (or through the Parameters and Secrets extension), keep only its name or ARN in the environment, and rotate the credential.
package vigil.rules.aws.lambda.environment_credentials

import data.vigil.lib.credential_names

deny contains {"msg": msg, "path": sprintf("config.Environment.Variables[%q]", [name])} if {
	some name, value in object.get(input.config, ["Environment", "Variables"], {})
	credential_names.credential(name)
	value != ""
	msg := sprintf("Lambda function %s passes environment variable %s in plain text; use Secrets Manager or SSM Parameter Store", [input.config.FunctionName, name])
}
