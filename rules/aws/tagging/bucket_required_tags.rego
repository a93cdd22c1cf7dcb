# METADATA
# title: S3 bucket is missing required tags or has an unknown data classification
# custom:
#   id: TAG-AWS-003
#   severity: medium
#   controls: [CM-8, CM-8(4), RA-2]
#   resource_types: ["AWS::S3::Bucket"]
#   remediation: Tag the bucket with every key of rules.params.required_tags and a data-classification from rules.params.data_classifications.
#   action: add_tags
package vigil.rules.aws.tagging.bucket_required_tags

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "tags"} if {
	missing := aws.missing_tags(input.tags, data.vigil.context.params.required_tags)
	count(missing) > 0
	msg := sprintf("bucket %s is missing required tags: %s", [input.config.Name, concat(", ", missing)])
}

deny contains {"msg": msg, "path": "tags.data-classification"} if {
	value := input.tags["data-classification"]
	trim_space(value) != ""
	not lower(value) in {lower(c) | some c in data.vigil.context.params.data_classifications}
	msg := sprintf("bucket %s has data-classification %q, not one of: %s", [input.config.Name, value, concat(", ", data.vigil.context.params.data_classifications)])
}
