# METADATA
# title: Region is not covered by a logging multi-region CloudTrail trail
# custom:
#   id: LOG-AWS-001
#   severity: high
#   controls: [AC-2(4), AC-3(10), AC-4(26), AC-6(9), AU-2, AU-3, AU-3(1), AU-6(3), AU-6(4), AU-6(6), AU-6(9), AU-8, AU-10, AU-12, AU-12(1), AU-12(2), AU-12(3), AU-12(4), AU-14, AU-14(3), CA-7, CM-5(1), CM-6, CM-9, IA-3(3), MA-4(1), PM-14, PM-31, SC-7(9), SI-3(8), SI-4(2), SI-4(17), SI-4(20), SI-7(8), SI-10(1)]
#   resource_types: ["AWS::CloudTrail::RegionCoverage"]
#   remediation: Create a multi-region trail that logs management events (read and write) and make sure it is logging.
package vigil.rules.aws.cloudtrail.region_covered_by_trail

good(t) if {
	t.IsMultiRegionTrail
	t.IsLogging
	t.ManagementEvents
}

deny contains {"msg": msg, "path": "config.Trails"} if {
	not any_good
	msg := sprintf("no logging multi-region trail with management events covers %s (%d trail(s) seen)", [input.region, count(object.get(input.config, "Trails", []))])
}

any_good if {
	some t in input.config.Trails
	good(t)
}
