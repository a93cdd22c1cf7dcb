# METADATA
# title: IAM policy allows KMS decryption with every key
# custom:
#   id: IAM-AWS-004
#   severity: high
#   controls: [AC-6, SC-12]
#   resource_types: ["AWS::IAM::Policy", "AWS::IAM::User", "AWS::IAM::Role", "AWS::IAM::Group"]
#   remediation: Limit kms:Decrypt and kms:ReEncrypt* to the key ARNs the principal needs, or add a kms:ViaService condition.
package vigil.rules.aws.iam.no_kms_decrypt_on_all_keys

import data.vigil.lib.aws

blocked := ["kms:decrypt", "kms:reencryptfrom", "kms:reencryptto"]

deny contains {"msg": msg, "path": "config"} if {
	some p in aws.inline_policies(input)
	some s in aws.allows(p.document)
	"*" in aws.resources(s)
	some a in aws.actions(s)
	a != "*"
	startswith(a, "kms:")
	some b in blocked
	glob.match(a, [], b)
	msg := sprintf("%s of %s allows %s on every KMS key", [aws.describe_policy(input, p), input.name, a])
}
