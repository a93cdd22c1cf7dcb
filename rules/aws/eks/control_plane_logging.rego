# METADATA
# title: EKS cluster control-plane logging misses required log types
# description: "Every type in rules.params.eks_required_log_types (default api, audit, authenticator) must appear in an entry of Logging.ClusterLogging with Enabled true. A cluster without Logging fails."
# custom:
#   id: LOG-AWS-008
#   severity: medium
#   controls: [AU-2, AU-12, AU-12(1)]
#   resource_types: ["AWS::EKS::Cluster"]
#   remediation: aws eks update-cluster-config --name <cluster> --logging '{"clusterLogging":[{"types":["api","audit","authenticator"],"enabled":true}]}'.
package vigil.rules.aws.eks.control_plane_logging

required := object.get(data.vigil.context.params, "eks_required_log_types", ["api", "audit", "authenticator"])

enabled contains t if {
	some setup in object.get(object.get(input.config, "Logging", {}), "ClusterLogging", [])
	object.get(setup, "Enabled", false) == true
	some t in object.get(setup, "Types", [])
}

missing := sort([t |
	some t in required
	not t in enabled
])

deny contains {"msg": msg, "path": "config.Logging.ClusterLogging"} if {
	count(missing) > 0
	msg := sprintf("EKS cluster %s does not send control-plane logs of type %s to CloudWatch Logs", [input.config.Name, concat(", ", missing)])
}
