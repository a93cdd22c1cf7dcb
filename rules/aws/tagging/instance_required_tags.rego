# METADATA
# title: EC2 instance is missing required tags
# custom:
#   id: TAG-AWS-001
#   severity: medium
#   controls: [CM-8, CM-8(4)]
#   resource_types: ["AWS::EC2::Instance"]
#   remediation: Add the missing tags (keys from rules.params.required_tags) with non-empty values, preferably through the IaC that creates the resource.
#   action: add_tags
package vigil.rules.aws.tagging.instance_required_tags

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "tags"} if {
	missing := aws.missing_tags(input.tags, data.vigil.context.params.required_tags)
	count(missing) > 0
	msg := sprintf("%s is missing required tags: %s", [sprintf("instance %s", [input.config.InstanceId]), concat(", ", missing)])
}
