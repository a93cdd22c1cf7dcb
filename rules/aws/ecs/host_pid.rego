# METADATA
# title: ECS task definition shares the host's process namespace
# description: "PidMode host lets the task's containers see and signal every process on the container instance."
# custom:
#   id: ECS-AWS-007
#   severity: high
#   controls: [AC-6, CM-6, SC-39]
#   resource_types: ["AWS::ECS::TaskDefinition"]
#   remediation: Register a new task definition revision without pidMode host (use pidMode task to share processes between the task's own containers).
package vigil.rules.aws.ecs.host_pid

deny contains {"msg": msg, "path": "config.PidMode"} if {
	object.get(input.config, "PidMode", "") == "host"
	msg := sprintf("task definition %s shares the host's PID namespace (pidMode host)", [input.config.Family])
}
