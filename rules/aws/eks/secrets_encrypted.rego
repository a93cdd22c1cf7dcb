# METADATA
# title: EKS cluster does not encrypt Kubernetes secrets with a KMS key
# description: "EncryptionConfig must hold an entry whose Resources include secrets and whose Provider names a KMS key (KeyArn). A cluster without EncryptionConfig fails."
# custom:
#   id: EKS-AWS-001
#   severity: high
#   controls: [SC-12, SC-28, SC-28(1)]
#   resource_types: ["AWS::EKS::Cluster"]
#   remediation: aws eks associate-encryption-config --cluster-name <cluster> --encryption-config '[{"resources":["secrets"],"provider":{"keyArn":"<kms key arn>"}}]'.
package vigil.rules.aws.eks.secrets_encrypted

secrets_encrypted if {
	some e in object.get(input.config, "EncryptionConfig", [])
	"secrets" in object.get(e, "Resources", [])
	key := object.get(object.get(e, "Provider", {}), "KeyArn", "")
	is_string(key)
	key != ""
}

deny contains {"msg": msg, "path": "config.EncryptionConfig"} if {
	not secrets_encrypted
	msg := sprintf("EKS cluster %s does not encrypt Kubernetes secrets with a KMS key (envelope encryption)", [input.config.Name])
}
