# METADATA
# title: ECS task definition in host network mode runs a container as root
# description: "With NetworkMode host, every container must name a non-root User. A container without User runs as the image's user, usually root; root, 0 and 0:<gid> fail."
# custom:
#   id: ECS-AWS-003
#   severity: high
#   controls: [AC-3, AC-5, CM-5(1)]
#   resource_types: ["AWS::ECS::TaskDefinition"]
#   remediation: Register a new task definition revision that sets "user" to a non-root user (e.g. "1000:1000") for each container, or use the awsvpc network mode.
package vigil.rules.aws.ecs.host_network_user

runs_as_root(c) if object.get(c, "User", "") in {"", "root", "0"}

runs_as_root(c) if startswith(object.get(c, "User", ""), "0:")

runs_as_root(c) if startswith(object.get(c, "User", ""), "root:")

deny contains {"msg": msg, "path": sprintf("config.ContainerDefinitions[%d].User", [i])} if {
	object.get(input.config, "NetworkMode", "") == "host"
	some i, c in object.get(input.config, "ContainerDefinitions", [])
	runs_as_root(c)
	msg := sprintf("task definition %s uses host network mode and container %s runs as root (user %s)", [input.config.Family, object.get(c, "Name", ""), object.get(c, "User", "not set")])
}
