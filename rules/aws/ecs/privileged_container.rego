# METADATA
# title: ECS task definition runs a privileged container
# custom:
#   id: ECS-AWS-001
#   severity: high
#   controls: [AC-6, CM-6]
#   resource_types: ["AWS::ECS::TaskDefinition"]
#   remediation: Register a new task definition revision without privileged set to true; grant the specific Linux capability (linuxParameters.capabilities.add) instead.
package vigil.rules.aws.ecs.privileged_container

deny contains {"msg": msg, "path": sprintf("config.ContainerDefinitions[%d].Privileged", [i])} if {
	some i, c in object.get(input.config, "ContainerDefinitions", [])
	object.get(c, "Privileged", false) == true
	msg := sprintf("task definition %s: container %s is privileged", [input.config.Family, object.get(c, "Name", "")])
}
