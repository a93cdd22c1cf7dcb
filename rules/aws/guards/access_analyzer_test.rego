package vigil.rules.aws.guards.access_analyzer

coverage(analyzers) := {"region": "eu-west-1", "type": "AWS::AccessAnalyzer::RegionCoverage", "config": {"Analyzers": analyzers}}

test_deny_none if {
	r := deny with input as coverage([])
	r == {{"msg": "IAM Access Analyzer has no analyzer in eu-west-1", "path": "config.Analyzers"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"region": "eu-west-1", "config": {}}
}

test_deny_inactive_or_unused_only if {
	r := deny with input as coverage([
		{"Name": "ext", "Type": "ACCOUNT", "Status": "DISABLED"},
		{"Name": "unused", "Type": "ACCOUNT_UNUSED_ACCESS", "Status": "ACTIVE"},
	])
	r == {{"msg": "IAM Access Analyzer has no active external-access analyzer in eu-west-1; analyzers seen: ext (ACCOUNT, DISABLED), unused (ACCOUNT_UNUSED_ACCESS, ACTIVE)", "path": "config.Analyzers"}}
}

test_allow_active if {
	count(deny) == 0 with input as coverage([{"Name": "ext", "Arn": "arn:aws:access-analyzer:eu-west-1:1:analyzer/ext", "Type": "ACCOUNT", "Status": "ACTIVE"}])
	count(deny) == 0 with input as coverage([{"Name": "org", "Type": "ORGANIZATION", "Status": "ACTIVE"}, {"Name": "x", "Type": "ACCOUNT", "Status": "FAILED"}])
}
