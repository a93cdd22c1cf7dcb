# METADATA
# title: Security Hub is not enabled in the region
# description: Every region's Security Hub document must have Enabled true; a missing field fails.
# custom:
#   id: GUARD-AWS-001
#   severity: medium
#   controls: [AU-6(1), AU-6(5), AU-12(3), AU-14, CA-2, CA-7, PM-14, PM-31]
#   resource_types: ["AWS::SecurityHub::Hub"]
#   remediation: aws securityhub enable-security-hub --region <region> (in an organization, enable it from the delegated administrator with central configuration).
package vigil.rules.aws.guards.securityhub_enabled

deny contains {"msg": msg, "path": "config.Enabled"} if {
	object.get(input.config, "Enabled", false) != true
	msg := sprintf("Security Hub is not enabled in %s", [object.get(input, "region", "the region it deploys to")])
}
