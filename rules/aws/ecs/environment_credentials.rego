# METADATA
# title: Credential passed to an ECS container in a plain environment variable
# description: "An Environment entry whose Name looks like a credential (password, secret, token, API key, access key, private key, credentials; as whole words, so SECRET_NAME or TOKEN_TTL pass) with a non-empty value. vigil redacts the values; the names are enough to tell. Plain environment values are readable by anyone who can describe the task definition."
# custom:
#   id: SEC-AWS-002
#   severity: high
#   controls: [IA-5(7), SC-28]
#   resource_types: ["AWS::ECS::TaskDefinition"]
#   remediation: Move the value to Secrets Manager or SSM Parameter Store (SecureString), reference it from the container's "secrets" (name and valueFrom) instead of "environment", and rotate the credential.
package vigil.rules.aws.ecs.environment_credentials

import data.vigil.lib.credential_names

deny contains {"msg": msg, "path": sprintf("config.ContainerDefinitions[%d].Environment[%d]", [i, j])} if {
	some i, c in object.get(input.config, "ContainerDefinitions", [])
	some j, e in object.get(c, "Environment", [])
	name := object.get(e, "Name", "")
	credential_names.credential(name)
	object.get(e, "Value", "") != ""
	msg := sprintf("task definition %s: container %s passes environment variable %s in plain text; use secrets", [input.config.Family, object.get(c, "Name", ""), name])
}
