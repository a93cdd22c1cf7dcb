package vigil.rules.aws.ecs.cluster_container_insights

cluster(settings) := {"type": "AWS::ECS::Cluster", "config": {"ClusterName": "main", "Settings": settings}}

test_deny_disabled if {
	r := deny with input as cluster([{"Name": "containerInsights", "Value": "disabled"}])
	r == {{"msg": "ECS cluster main does not have Container Insights enabled", "path": "config.Settings"}}
}

test_deny_settings_missing if {
	count(deny) == 1 with input as {"config": {"ClusterName": "main"}}
}

test_allow_enabled if {
	count(deny) == 0 with input as cluster([{"Name": "containerInsights", "Value": "enabled"}])
}

test_allow_enhanced if {
	count(deny) == 0 with input as cluster([{"Name": "containerInsights", "Value": "enhanced"}])
}
