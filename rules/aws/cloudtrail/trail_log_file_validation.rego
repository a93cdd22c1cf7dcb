# METADATA
# title: CloudTrail log file validation is off
# custom:
#   id: LOG-AWS-002
#   severity: medium
#   controls: [AU-9, CM-6, CM-9, PM-11, PM-17, SA-10(1), SC-16(1), SI-1, SI-4, SI-7, SI-7(1), SI-7(3), SI-7(7)]
#   resource_types: ["AWS::CloudTrail::Trail"]
#   remediation: aws cloudtrail update-trail --name <trail> --enable-log-file-validation.
package vigil.rules.aws.cloudtrail.trail_log_file_validation

deny contains {"msg": msg, "path": "config.LogFileValidationEnabled"} if {
	object.get(input.config, "LogFileValidationEnabled", false) != true
	msg := sprintf("trail %s does not validate its log files", [input.config.Name])
}
