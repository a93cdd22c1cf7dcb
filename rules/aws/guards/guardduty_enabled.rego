# METADATA
# title: GuardDuty is not enabled in the region
# description: "Every region's GuardDuty detector must have Status ENABLED; a region without a detector (Status NONE) or without a Status fails."
# custom:
#   id: LOG-AWS-006
#   severity: high
#   controls: [AC-2(12), AC-3(12), AU-3(1), AU-6(1), AU-6(5), AU-12(3), AU-14, CA-2, CA-7, CM-8(3), PE-6(2), PE-6(4), PM-14, PM-16, PM-31, RA-1, RA-3, RA-3(4), RA-5, RA-5(4), RA-10, SC-5, SC-5(1), SC-5(3), SC-43, SI-3(8), SI-4, SI-4(1), SI-4(2), SI-4(3), SI-4(4), SI-4(10), SI-4(13), SI-4(14), SI-4(23), SI-4(25), SI-5, SI-5(1)]
#   resource_types: ["AWS::GuardDuty::Detector"]
#   remediation: aws guardduty create-detector --enable --region <region> (or aws guardduty update-detector --detector-id <id> --enable; in an organization, enable it from the delegated administrator for all members).
package vigil.rules.aws.guards.guardduty_enabled

status := upper(object.get(input.config, "Status", "NONE"))

deny contains {"msg": msg, "path": "config.Status"} if {
	status == "NONE"
	msg := sprintf("GuardDuty has no detector in %s", [object.get(input, "region", "the region it deploys to")])
}

deny contains {"msg": msg, "path": "config.Status"} if {
	not status in {"NONE", "ENABLED"}
	msg := sprintf("GuardDuty detector %s in %s is %s", [object.get(input.config, "DetectorId", "(unknown id)"), object.get(input, "region", "the region it deploys to"), lower(status)])
}
