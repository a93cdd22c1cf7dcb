# METADATA
# title: No active IAM Access Analyzer for external access in the region
# description: "The region must have at least one ACTIVE IAM Access Analyzer analyzer of an external-access type (ACCOUNT or ORGANIZATION; an analyzer without Type counts). Unused-access analyzers (*_UNUSED_ACCESS) do not find resources shared outside the zone of trust and do not count."
# custom:
#   id: GUARD-AWS-003
#   severity: low
#   controls: [AC-3, AC-6, CA-7]
#   resource_types: ["AWS::AccessAnalyzer::RegionCoverage"]
#   remediation: aws accessanalyzer create-analyzer --analyzer-name external-access --type ACCOUNT --region <region> (or type ORGANIZATION from the organization's delegated administrator).
package vigil.rules.aws.guards.access_analyzer

analyzers := object.get(input.config, "Analyzers", [])

external(a) if not endswith(upper(object.get(a, "Type", "ACCOUNT")), "_UNUSED_ACCESS")

covered if {
	some a in analyzers
	upper(object.get(a, "Status", "")) == "ACTIVE"
	external(a)
}

deny contains {"msg": msg, "path": "config.Analyzers"} if {
	count(analyzers) == 0
	msg := sprintf("IAM Access Analyzer has no analyzer in %s", [object.get(input, "region", "the region it deploys to")])
}

deny contains {"msg": msg, "path": "config.Analyzers"} if {
	count(analyzers) > 0
	not covered
	seen := [sprintf("%s (%s, %s)", [object.get(a, "Name", "unnamed"), object.get(a, "Type", "unknown type"), object.get(a, "Status", "unknown status")]) | some a in analyzers]
	msg := sprintf("IAM Access Analyzer has no active external-access analyzer in %s; analyzers seen: %s", [object.get(input, "region", "the region it deploys to"), concat(", ", seen)])
}
