# METADATA
# title: VPC has no active flow log
# custom:
#   id: LOG-AWS-004
#   severity: medium
#   controls: [AC-4(26), AU-2, AU-3, AU-6(3), AU-6(4), AU-6(6), AU-6(9), AU-8, AU-12, AU-12(1), AU-12(2), AU-12(3), AU-12(4), AU-14, AU-14(3), CA-7, CM-5(1), CM-6, CM-9, IA-3(3), MA-4(1), PM-14, PM-31, SI-4(17), SI-7(8)]
#   resource_types: ["AWS::EC2::VPC"]
#   remediation: Create a flow log for the VPC (traffic type ALL) to CloudWatch Logs or S3.
package vigil.rules.aws.vpc.flow_logs_enabled

flow_logs := object.get(input.config, "FlowLogs", [])

active if {
	some l in flow_logs
	l.FlowLogStatus == "ACTIVE"
}

deny contains {"msg": msg, "path": "config.FlowLogs"} if {
	count(flow_logs) == 0
	msg := sprintf("VPC %s has no flow log", [input.config.VpcId])
}

deny contains {"msg": msg, "path": "config.FlowLogs"} if {
	count(flow_logs) > 0
	not active
	seen := [sprintf("%s (%s)", [object.get(l, "FlowLogId", "?"), object.get(l, "FlowLogStatus", "no status")]) | some l in flow_logs]
	msg := sprintf("VPC %s has no active flow log: %s", [input.config.VpcId, concat(", ", seen)])
}
