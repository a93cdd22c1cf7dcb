# METADATA
# title: WAF web ACL logging is off
# custom:
#   id: WAF-AWS-001
#   severity: medium
#   controls: [AC-4(26), AU-2, AU-3, AU-6(3), AU-6(4), AU-6(6), AU-6(9), AU-8, AU-10, AU-12, AU-12(1), AU-12(2), AU-12(3), AU-12(4), AU-14, AU-14(3), CA-7, CM-5(1), IA-3(3), MA-4(1), PM-14, PM-31, SC-7(9), SI-4(17), SI-7(8)]
#   resource_types: ["AWS::WAFv2::WebACL"]
#   remediation: aws wafv2 put-logging-configuration --logging-configuration ResourceArn=<web ACL>,LogDestinationConfigs=<aws-waf-logs-... log group, bucket or Firehose ARN>.
package vigil.rules.aws.waf.web_acl_logging

deny contains {"msg": msg, "path": "config.LogDestinationConfigs"} if {
	count(object.get(input.config, "LogDestinationConfigs", [])) == 0
	msg := sprintf("web ACL %s (%s) does not log requests", [input.config.Name, object.get(input.config, "Scope", "unknown scope")])
}
