# METADATA
# title: VPC has no active flow log
# custom:
#   id: LOG-AWS-004
#   severity: medium
#   controls: [AC-4(26), AU-2, AU-3, AU-6(3), AU-6(4), AU-6(6), AU-6(9), AU-8, AU-12, AU-12(1), AU-12(2), AU-12(3), AU-12(4), AU-14, AU-14(3), CA-7, CM-5(1), CM-6, CM-9, IA-3(3), MA-4(1), PM-14, PM-31, SI-4(17), SI-7(8)]
#   resource_types: ["AWS::EC2::VPC"]
#   remediation: Create a flow log for the VPC (traffic type ALL) to CloudWatch Logs or S3.
package vigil.rules.aws.vpc.flow_logs_enabled

deny contains {"msg": msg, "path": "config.FlowLogs"} if {
	not active
	msg := sprintf("VPC %s has no active flow log", [input.config.VpcId])
}

active if {
	some l in input.config.FlowLogs
	l.FlowLogStatus == "ACTIVE"
}
