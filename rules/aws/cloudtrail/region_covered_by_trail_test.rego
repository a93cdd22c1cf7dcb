package vigil.rules.aws.cloudtrail.region_covered_by_trail

org := {"TrailARN": "arn:aws:cloudtrail:us-east-1:123456789012:trail/org", "IsMultiRegionTrail": true, "HomeRegion": "us-east-1", "IsLogging": true}

local := {"TrailARN": "arn:aws:cloudtrail:eu-west-1:123456789012:trail/local", "IsMultiRegionTrail": false, "HomeRegion": "eu-west-1", "IsLogging": true}

coverage(trails) := {"type": "AWS::CloudTrail::RegionCoverage", "region": "eu-west-1", "config": {"Trails": trails}}

test_deny_no_trail if {
	r := deny with input as coverage([])
	r == {{"msg": "no CloudTrail trail covers region eu-west-1", "path": "config.Trails"}}
}

test_deny_trails_field_missing if {
	count(deny) == 1 with input as {"region": "eu-west-1", "config": {}}
}

test_deny_single_region_only if {
	r := deny with input as coverage([local])
	r == {{"msg": "region eu-west-1 is logged only by single-region trail(s) local; no logging multi-region trail with management events covers it", "path": "config.Trails"}}
}

test_deny_multi_region_not_logging if {
	r := deny with input as coverage([object.union(org, {"IsLogging": false})])
	r == {{"msg": "no logging multi-region trail with management events covers region eu-west-1; trails seen: org (not logging)", "path": "config.Trails"}}
}

test_deny_no_management_events if {
	r := deny with input as coverage([
		object.union(org, {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": false}]}),
		object.union(local, {"IsLogging": false}),
	])
	count(r) == 1
	some f in r
	endswith(f.msg, "trails seen: org (no management events); local (single-region, not logging)")
}

test_deny_single_region_logging_and_multi_region_stopped if {
	r := deny with input as coverage([local, object.union(org, {"IsLogging": false})])
	count(r) == 1
	some f in r
	contains(f.msg, "logged only by single-region trail(s) local")
}

test_allow_multi_region_from_other_home if {
	count(deny) == 0 with input as coverage([org])
}

test_allow_multi_region_among_others if {
	count(deny) == 0 with input as coverage([local, object.union(org, {"IsLogging": false, "TrailARN": "arn:aws:cloudtrail:us-east-1:123456789012:trail/old"}), org])
}

write_only := [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}]

test_deny_write_only_management_events if {
	r := deny with input as coverage([object.union(org, {"EventSelectors": write_only})])
	some f in r
	endswith(f.msg, "trails seen: org (no management events)")
}

test_allow_basic_selector_with_management_events if {
	selectors := [{"ReadWriteType": "All", "IncludeManagementEvents": true}]
	count(deny) == 0 with input as coverage([object.union(org, {"EventSelectors": selectors})])
}

test_allow_advanced_selector_on_management_events if {
	advanced := [{"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]
	count(deny) == 0 with input as coverage([object.union(org, {"AdvancedEventSelectors": advanced})])
}

test_deny_advanced_selector_on_data_events_only if {
	advanced := [{"Name": "s3", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}]
	r := deny with input as coverage([object.union(org, {"AdvancedEventSelectors": advanced})])
	count(r) == 1
}
