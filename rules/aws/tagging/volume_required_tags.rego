# METADATA
# title: EBS volume is missing required tags
# custom:
#   id: TAG-AWS-002
#   severity: low
#   controls: [CM-8, CM-8(4)]
#   resource_types: ["AWS::EC2::Volume"]
#   remediation: Add the missing tags (keys from rules.params.required_tags) with non-empty values, preferably through the IaC that creates the resource.
#   action: add_tags
package vigil.rules.aws.tagging.volume_required_tags

import data.vigil.lib.aws

deny contains {"msg": msg, "path": "tags"} if {
	missing := aws.missing_tags(input.tags, data.vigil.context.params.required_tags)
	count(missing) > 0
	msg := sprintf("%s is missing required tags: %s", [sprintf("volume %s", [input.config.VolumeId]), concat(", ", missing)])
}
