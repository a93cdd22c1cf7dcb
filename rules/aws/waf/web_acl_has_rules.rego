# METADATA
# title: WAF web ACL has no rules
# description: A web ACL without rules inspects nothing; every request gets its default action.
# custom:
#   id: WAF-AWS-002
#   severity: medium
#   controls: [AC-4, SC-7]
#   resource_types: ["AWS::WAFv2::WebACL"]
#   remediation: Add rules to the web ACL (for example the AWS managed rule groups AWSManagedRulesCommonRuleSet and AWSManagedRulesKnownBadInputsRuleSet), or delete it if it is not used.
package vigil.rules.aws.waf.web_acl_has_rules

deny contains {"msg": msg, "path": "config.Rules"} if {
	count(object.get(input.config, "Rules", [])) == 0
	msg := sprintf("web ACL %s has no rules; every request gets its default action %s", [input.config.Name, object.get(input.config, "DefaultAction", "(unknown)")])
}
