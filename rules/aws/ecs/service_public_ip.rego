# METADATA
# title: ECS service assigns public IP addresses to its tasks
# custom:
#   id: ECS-AWS-005
#   severity: high
#   controls: [AC-4, SC-7, SC-7(3)]
#   resource_types: ["AWS::ECS::Service"]
#   remediation: aws ecs update-service --cluster <cluster> --service <service> --network-configuration 'awsvpcConfiguration={subnets=[<private subnets>],securityGroups=[<sg>],assignPublicIp=DISABLED}'.
package vigil.rules.aws.ecs.service_public_ip

deny contains {"msg": msg, "path": "config.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp"} if {
	object.get(input.config, ["NetworkConfiguration", "AwsvpcConfiguration", "AssignPublicIp"], "DISABLED") == "ENABLED"
	msg := sprintf("ECS service %s assigns public IP addresses to its tasks", [input.config.ServiceName])
}
