# METADATA
# title: ECS container root filesystem is writable
# description: "Every container definition must set ReadonlyRootFilesystem to true; a container without the field has a writable root filesystem."
# custom:
#   id: ECS-AWS-002
#   severity: medium
#   controls: [CM-6, SI-7]
#   resource_types: ["AWS::ECS::TaskDefinition"]
#   remediation: Register a new task definition revision with readonlyRootFilesystem set to true for each container, mounting volumes for the paths it must write.
package vigil.rules.aws.ecs.readonly_root_filesystem

deny contains {"msg": msg, "path": sprintf("config.ContainerDefinitions[%d].ReadonlyRootFilesystem", [i])} if {
	some i, c in object.get(input.config, "ContainerDefinitions", [])
	object.get(c, "ReadonlyRootFilesystem", false) != true
	msg := sprintf("task definition %s: container %s has a writable root filesystem", [input.config.Family, object.get(c, "Name", "")])
}
