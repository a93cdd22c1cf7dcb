# METADATA
# title: ECR repository allows image tags to be overwritten
# description: "ImageTagMutability must be IMMUTABLE (or IMMUTABLE_WITH_EXCLUSION); a repository without the field is MUTABLE, the API's default."
# custom:
#   id: ECR-AWS-002
#   severity: medium
#   controls: [CM-2, SI-7]
#   resource_types: ["AWS::ECR::Repository"]
#   remediation: aws ecr put-image-tag-mutability --repository-name <repository> --image-tag-mutability IMMUTABLE.
package vigil.rules.aws.ecr.immutable_tags

deny contains {"msg": msg, "path": "config.ImageTagMutability"} if {
	mutability := object.get(input.config, "ImageTagMutability", "MUTABLE")
	not startswith(mutability, "IMMUTABLE")
	msg := sprintf("ECR repository %s has mutable image tags (%s)", [input.config.RepositoryName, mutability])
}
