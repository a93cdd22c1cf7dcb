# METADATA
# title: ECR repository has no lifecycle policy
# description: "Without a lifecycle policy old and untagged images are kept forever: storage grows and vulnerable images stay pullable."
# custom:
#   id: ECR-AWS-004
#   severity: low
#   controls: [CM-8, SI-12]
#   resource_types: ["AWS::ECR::Repository"]
#   remediation: aws ecr put-lifecycle-policy --repository-name <repository> --lifecycle-policy-text file://policy.json (e.g. expire untagged images after 14 days, keep the last N tagged).
package vigil.rules.aws.ecr.lifecycle_policy

deny contains {"msg": msg, "path": "config.LifecyclePolicy"} if {
	object.get(input.config, "LifecyclePolicy", null) == null
	msg := sprintf("ECR repository %s has no lifecycle policy", [input.config.RepositoryName])
}
