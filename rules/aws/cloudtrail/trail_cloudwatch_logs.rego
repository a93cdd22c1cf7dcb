# METADATA
# title: CloudTrail trail does not deliver to CloudWatch Logs
# description: The trail must have a CloudWatch Logs log group (CloudWatchLogsLogGroupArn) and its latest delivery there (Status.LatestCloudWatchLogsDeliveryTime) must be within 24 hours of the scan time.
# custom:
#   id: LOG-AWS-003
#   severity: low
#   controls: [AC-2(4), AC-3(10), AC-4(26), AC-6(9), AU-2, AU-3, AU-4(1), AU-6(1), AU-6(3), AU-6(4), AU-6(5), AU-6(6), AU-6(9), AU-7(1), AU-8, AU-9(7), AU-10, AU-12, AU-12(1), AU-12(2), AU-12(3), AU-12(4), AU-14, AU-14(3), AU-16, CA-7, CM-5(1), CM-6, CM-9, IA-3(3), MA-4(1), PM-14, PM-31, SC-7(9), SI-3(8), SI-4(2), SI-4(17), SI-4(20), SI-7(8), SI-10(1)]
#   resource_types: ["AWS::CloudTrail::Trail"]
#   remediation: Configure the trail's CloudWatch Logs log group and role, and check that delivery works.
package vigil.rules.aws.cloudtrail.trail_cloudwatch_logs

day_ns := ((24 * 60) * 60) * 1000000000

log_group := object.get(input.config, "CloudWatchLogsLogGroupArn", "")

last_delivery := object.get(input.config, ["Status", "LatestCloudWatchLogsDeliveryTime"], "")

deny contains {"msg": msg, "path": "config.CloudWatchLogsLogGroupArn"} if {
	log_group == ""
	msg := sprintf("trail %s is not integrated with CloudWatch Logs", [input.config.Name])
}

deny contains {"msg": msg, "path": "config.Status.LatestCloudWatchLogsDeliveryTime"} if {
	log_group != ""
	last_delivery == ""
	msg := sprintf("trail %s has never delivered to CloudWatch Logs", [input.config.Name])
}

deny contains {"msg": msg, "path": "config.Status.LatestCloudWatchLogsDeliveryTime"} if {
	log_group != ""
	last_delivery != ""
	not recent_delivery
	msg := sprintf("trail %s has not delivered to CloudWatch Logs in the last 24 hours (last delivery %s)", [input.config.Name, last_delivery])
}

recent_delivery if {
	t := time.parse_rfc3339_ns(last_delivery)
	data.vigil.context.now_ns - t <= day_ns
}
