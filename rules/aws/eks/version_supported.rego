# METADATA
# title: EKS cluster runs a Kubernetes version past the end of standard support
# description: "The cluster's Version is compared with the scan time against the table of end-of-standard-support dates in this rule (AWS's EKS Kubernetes release calendar; keep it up to date as versions are released). Past that date a cluster is in paid extended support, or upgraded automatically. A version older than every version in the table fails too; a newer one, or a cluster without Version, passes."
# custom:
#   id: EKS-AWS-002
#   severity: medium
#   controls: [SA-22, SI-2]
#   resource_types: ["AWS::EKS::Cluster"]
#   remediation: Upgrade the control plane one minor version at a time (aws eks update-cluster-version --name <cluster> --kubernetes-version <next>), then the node groups and add-ons.
package vigil.rules.aws.eks.version_supported

# Kubernetes minor version -> end of standard support in Amazon EKS (UTC dates). Standard
# support lasts 14 months from the EKS release, extended support 12 more.
end_of_standard_support := {
	"1.23": "2023-10-11",
	"1.24": "2024-01-31",
	"1.25": "2024-05-01",
	"1.26": "2024-06-11",
	"1.27": "2024-07-24",
	"1.28": "2024-11-26",
	"1.29": "2025-03-23",
	"1.30": "2025-07-23",
	"1.31": "2025-11-26",
	"1.32": "2026-03-23",
	"1.33": "2026-07-29",
	"1.34": "2026-12-02",
	"1.35": "2027-03-27",
}

parts(v) := [to_number(m[1]), to_number(m[2])] if {
	m := regex.find_all_string_submatch_n(`^v?(\d+)\.(\d+)`, v, 1)[0]
}

minor(v) := sprintf("%d.%d", parts(v))

rank(v) := (p[0] * 1000) + p[1] if p := parts(v)

oldest := [v |
	some v, _ in end_of_standard_support
	rank(v) == min({rank(k) | some k, _ in end_of_standard_support})
][0]

ended(date) if data.vigil.context.now_ns >= time.parse_rfc3339_ns(sprintf("%sT00:00:00Z", [date]))

deny contains {"msg": msg, "path": "config.Version"} if {
	v := input.config.Version
	date := end_of_standard_support[minor(v)]
	ended(date)
	msg := sprintf("EKS cluster %s runs Kubernetes %s, whose standard support ended on %s", [input.config.Name, v, date])
}

deny contains {"msg": msg, "path": "config.Version"} if {
	v := input.config.Version
	not end_of_standard_support[minor(v)]
	rank(v) < rank(oldest)
	msg := sprintf("EKS cluster %s runs Kubernetes %s, older than %s, whose standard support ended on %s", [input.config.Name, v, oldest, end_of_standard_support[oldest]])
}
