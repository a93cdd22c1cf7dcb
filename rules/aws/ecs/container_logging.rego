# METADATA
# title: ECS container has no log configuration
# description: "Every container definition must have a LogConfiguration with a LogDriver (awslogs, awsfirelens, splunk, ...); without one the container's output is not collected."
# custom:
#   id: ECS-AWS-004
#   severity: medium
#   controls: [AU-2, AU-12]
#   resource_types: ["AWS::ECS::TaskDefinition"]
#   remediation: Register a new task definition revision with a logConfiguration (e.g. logDriver awslogs with awslogs-group, awslogs-region and awslogs-stream-prefix) for each container.
package vigil.rules.aws.ecs.container_logging

deny contains {"msg": msg, "path": sprintf("config.ContainerDefinitions[%d].LogConfiguration", [i])} if {
	some i, c in object.get(input.config, "ContainerDefinitions", [])
	object.get(object.get(c, "LogConfiguration", {}), "LogDriver", "") == ""
	msg := sprintf("task definition %s: container %s has no log configuration", [input.config.Family, object.get(c, "Name", "")])
}
