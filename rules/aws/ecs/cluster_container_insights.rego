# METADATA
# title: ECS cluster without Container Insights
# description: "Settings must hold containerInsights with the value enabled or enhanced; a cluster without the setting fails."
# custom:
#   id: ECS-AWS-006
#   severity: low
#   controls: [AU-12, CA-7, SI-4]
#   resource_types: ["AWS::ECS::Cluster"]
#   remediation: aws ecs update-cluster-settings --cluster <cluster> --settings name=containerInsights,value=enhanced.
package vigil.rules.aws.ecs.cluster_container_insights

insights_on if {
	some s in object.get(input.config, "Settings", [])
	object.get(s, "Name", "") == "containerInsights"
	object.get(s, "Value", "") in {"enabled", "enhanced"}
}

deny contains {"msg": msg, "path": "config.Settings"} if {
	not insights_on
	msg := sprintf("ECS cluster %s does not have Container Insights enabled", [input.config.ClusterName])
}
