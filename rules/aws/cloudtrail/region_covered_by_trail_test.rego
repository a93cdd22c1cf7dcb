package vigil.rules.aws.cloudtrail.region_covered_by_trail

test_deny_no_trails if {
	count(deny) == 1 with input as {"region": "eu-west-1", "config": {"Trails": []}}
}

test_deny_stopped_trail if {
	count(deny) == 1 with input as {"region": "eu-west-1", "config": {"Trails": [{"IsMultiRegionTrail": true, "IsLogging": false, "ManagementEvents": true}]}}
}

test_deny_single_region_trail if {
	count(deny) == 1 with input as {"region": "eu-west-1", "config": {"Trails": [{"IsMultiRegionTrail": false, "IsLogging": true, "ManagementEvents": true}]}}
}

test_allow_multi_region_logging if {
	count(deny) == 0 with input as {"region": "eu-west-1", "config": {"Trails": [{"IsMultiRegionTrail": true, "IsLogging": true, "ManagementEvents": true}]}}
}
