# METADATA
# title: IAM principal has inline policies
# custom:
#   id: IAM-AWS-003
#   severity: medium
#   controls: [AC-2, AC-2(1), AC-2(6), AC-3, AC-3(3), AC-3(4), AC-3(7), AC-3(8), AC-3(12), AC-3(13), AC-3(15), AC-4(28), AC-6, AC-6(3), AC-24, CM-5(1), CM-6, CM-9, MP-2, SC-23(3)]
#   resource_types: ["AWS::IAM::User", "AWS::IAM::Role", "AWS::IAM::Group"]
#   remediation: Move inline policies into customer-managed policies so they can be reviewed, versioned and reused.
package vigil.rules.aws.iam.no_inline_policies

deny contains {"msg": msg, "path": sprintf("config.%s", [key])} if {
	some key in ["UserPolicyList", "RolePolicyList", "GroupPolicyList"]
	policies := object.get(input.config, key, [])
	count(policies) > 0
	names := [p.PolicyName | some p in policies]
	msg := sprintf("%s has inline policies: %s", [input.name, concat(", ", names)])
}
