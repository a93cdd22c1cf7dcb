package vigil.rules.aws.eks.version_supported

# 2026-01-01T00:00:00Z
jan_2026 := 1767225600000000000

# 2026-03-23T00:00:00Z
mar_23_2026 := 1774224000000000000

cluster(v) := {"type": "AWS::EKS::Cluster", "config": {"Name": "prod", "Version": v}}

test_deny_past_standard_support if {
	r := deny with input as cluster("1.31") with data.vigil.context.now_ns as jan_2026
	r == {{"msg": "EKS cluster prod runs Kubernetes 1.31, whose standard support ended on 2025-11-26", "path": "config.Version"}}
}

test_deny_on_the_end_date if {
	count(deny) == 1 with input as cluster("1.32") with data.vigil.context.now_ns as mar_23_2026
}

test_allow_before_the_end_date if {
	count(deny) == 0 with input as cluster("1.32") with data.vigil.context.now_ns as jan_2026
}

test_deny_older_than_table if {
	r := deny with input as cluster("1.21") with data.vigil.context.now_ns as jan_2026
	r == {{"msg": "EKS cluster prod runs Kubernetes 1.21, older than 1.23, whose standard support ended on 2023-10-11", "path": "config.Version"}}
}

test_allow_newer_than_table if {
	count(deny) == 0 with input as cluster("1.36") with data.vigil.context.now_ns as jan_2026
}

test_allow_version_missing if {
	count(deny) == 0 with input as {"config": {"Name": "prod"}} with data.vigil.context.now_ns as jan_2026
}

test_minor_ignores_patch if {
	minor("1.30.4") == "1.30"
	rank("1.9") < rank("1.23")
	oldest == "1.23"
}
