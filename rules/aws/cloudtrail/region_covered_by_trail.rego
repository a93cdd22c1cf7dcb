# METADATA
# title: Region is not covered by a logging multi-region CloudTrail trail
# description: Every region must be covered by at least one multi-region trail that is logging and records management events. A region covered only by single-region trails, or by trails that are stopped or skip management events, fails.
# custom:
#   id: LOG-AWS-001
#   severity: high
#   controls: [AC-2(4), AC-3(10), AC-4(26), AC-6(9), AU-2, AU-3, AU-3(1), AU-6(3), AU-6(4), AU-6(6), AU-6(9), AU-8, AU-10, AU-12, AU-12(1), AU-12(2), AU-12(3), AU-12(4), AU-14, AU-14(3), CA-7, CM-5(1), CM-6, CM-9, IA-3(3), MA-4(1), PM-14, PM-31, SC-7(9), SI-3(8), SI-4(2), SI-4(17), SI-4(20), SI-7(8), SI-10(1)]
#   resource_types: ["AWS::CloudTrail::RegionCoverage"]
#   remediation: Create a multi-region trail that logs management events (read and write) and make sure it is logging.
package vigil.rules.aws.cloudtrail.region_covered_by_trail

trails := object.get(input.config, "Trails", [])

logs_management(t) if {
	t.IsLogging == true
	management_events(t)
}

# A trail records management events when it has no selectors at all (CloudTrail's default
# selector: all management events), a basic selector that includes them for reads and
# writes, or an advanced selector on eventCategory = Management.
management_events(t) if {
	count(object.get(t, "EventSelectors", [])) == 0
	count(object.get(t, "AdvancedEventSelectors", [])) == 0
}

management_events(t) if {
	some s in object.get(t, "EventSelectors", [])
	object.get(s, "IncludeManagementEvents", true) != false
	object.get(s, "ReadWriteType", "All") == "All"
}

management_events(t) if {
	some a in object.get(t, "AdvancedEventSelectors", [])
	some f in object.get(a, "FieldSelectors", [])
	f.Field == "eventCategory"
	"Management" in object.get(f, "Equals", [])
}

good(t) if {
	t.IsMultiRegionTrail == true
	logs_management(t)
}

covered if {
	some t in trails
	good(t)
}

# Single-region trails that would otherwise be good.
single_region := [name(t) |
	some t in trails
	logs_management(t)
	object.get(t, "IsMultiRegionTrail", false) != true
]

name(t) := n if {
	parts := split(t.TrailARN, ":trail/")
	count(parts) == 2
	n := parts[1]
} else := object.get(t, "TrailARN", "unnamed trail")

# What keeps a trail from counting; a missing field counts as false.
problems(t) := array.concat(
	[p |
		some [field, p] in [
			["IsMultiRegionTrail", "single-region"],
			["IsLogging", "not logging"],
		]
		object.get(t, field, false) != true
	],
	[p | not management_events(t); p := "no management events"],
)

deny contains {"msg": msg, "path": "config.Trails"} if {
	count(trails) == 0
	msg := sprintf("no CloudTrail trail covers region %s", [object.get(input, "region", "the region it deploys to")])
}

deny contains {"msg": msg, "path": "config.Trails"} if {
	not covered
	count(single_region) > 0
	msg := sprintf("region %s is logged only by single-region trail(s) %s; no logging multi-region trail with management events covers it", [object.get(input, "region", "the region it deploys to"), concat(", ", single_region)])
}

deny contains {"msg": msg, "path": "config.Trails"} if {
	count(trails) > 0
	not covered
	count(single_region) == 0
	seen := [sprintf("%s (%s)", [name(t), concat(", ", problems(t))]) | some t in trails]
	msg := sprintf("no logging multi-region trail with management events covers region %s; trails seen: %s", [object.get(input, "region", "the region it deploys to"), concat("; ", seen)])
}
