package vigil.rules.aws.eks.nodegroup_ssh_open

cluster(groups) := {"type": "AWS::EKS::Cluster", "config": {"Name": "prod", "Nodegroups": groups}}

test_deny_key_without_source_groups if {
	r := deny with input as cluster([
		{"NodegroupName": "private", "RemoteAccess": {"Ec2SshKey": "ops", "SourceSecurityGroups": ["sg-1"]}},
		{"NodegroupName": "workers", "RemoteAccess": {"Ec2SshKey": "ops", "SourceSecurityGroups": []}},
	])
	r == {{"msg": "EKS cluster prod: node group workers allows SSH with key pair ops from any address", "path": "config.Nodegroups[1].RemoteAccess.SourceSecurityGroups"}}
}

test_deny_source_groups_missing if {
	count(deny) == 1 with input as cluster([{"NodegroupName": "workers", "RemoteAccess": {"Ec2SshKey": "ops"}}])
}

test_allow_source_groups if {
	count(deny) == 0 with input as cluster([{"NodegroupName": "workers", "RemoteAccess": {"Ec2SshKey": "ops", "SourceSecurityGroups": ["sg-1"]}}])
}

test_allow_no_remote_access if {
	count(deny) == 0 with input as cluster([{"NodegroupName": "workers"}, {"NodegroupName": "lt", "RemoteAccess": {"SourceSecurityGroups": []}}])
}

test_allow_nodegroups_missing if {
	count(deny) == 0 with input as {"config": {"Name": "prod"}}
}
