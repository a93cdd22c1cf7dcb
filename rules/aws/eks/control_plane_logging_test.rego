package vigil.rules.aws.eks.control_plane_logging

cluster(logging) := {"type": "AWS::EKS::Cluster", "config": {"Name": "prod", "Logging": {"ClusterLogging": logging}}}

test_deny_some_types_disabled if {
	r := deny with input as cluster([
		{"Types": ["api"], "Enabled": true},
		{"Types": ["audit", "authenticator", "scheduler"], "Enabled": false},
	])
	r == {{"msg": "EKS cluster prod does not send control-plane logs of type audit, authenticator to CloudWatch Logs", "path": "config.Logging.ClusterLogging"}}
}

test_deny_logging_missing if {
	r := deny with input as {"config": {"Name": "prod"}}
	r == {{"msg": "EKS cluster prod does not send control-plane logs of type api, audit, authenticator to CloudWatch Logs", "path": "config.Logging.ClusterLogging"}}
}

test_allow_required_types_enabled if {
	count(deny) == 0 with input as cluster([
		{"Types": ["api", "audit"], "Enabled": true},
		{"Types": ["authenticator"], "Enabled": true},
		{"Types": ["controllerManager", "scheduler"], "Enabled": false},
	])
}

test_deny_param_requires_all_five if {
	r := deny with input as cluster([{"Types": ["api", "audit", "authenticator"], "Enabled": true}])
		with data.vigil.context.params as {"eks_required_log_types": ["api", "audit", "authenticator", "controllerManager", "scheduler"]}
	r == {{"msg": "EKS cluster prod does not send control-plane logs of type controllerManager, scheduler to CloudWatch Logs", "path": "config.Logging.ClusterLogging"}}
}
