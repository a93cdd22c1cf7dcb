# METADATA
# title: AWS Config is not recording every resource type in the region
# description: "The region must have an AWS Config configuration recorder (Name) that is recording (Recording true), records all supported resource types (AllSupported true; an exclusion list or a list of chosen types fails) and whose last delivery did not fail (LastStatus not Failure). Missing Recording or AllSupported fail."
# custom:
#   id: GUARD-AWS-002
#   severity: medium
#   controls: [CA-7, CM-3, CM-8, CM-8(2)]
#   resource_types: ["AWS::Config::ConfigurationRecorder"]
#   remediation: "Record all supported types and start the recorder: aws configservice put-configuration-recorder --configuration-recorder name=default,roleARN=<role> --recording-group allSupported=true,includeGlobalResourceTypes=true, then aws configservice start-configuration-recorder --configuration-recorder-name default (a delivery channel is needed)."
package vigil.rules.aws.guards.config_recorder

cfg := input.config

has_recorder if {
	is_string(cfg.Name)
	cfg.Name != ""
}

deny contains {"msg": msg, "path": "config.Name"} if {
	not has_recorder
	msg := sprintf("AWS Config has no configuration recorder in %s", [object.get(input, "region", "the region it deploys to")])
}

deny contains {"msg": msg, "path": "config.Recording"} if {
	has_recorder
	object.get(cfg, "Recording", false) != true
	msg := sprintf("AWS Config recorder %s in %s is not recording", [cfg.Name, object.get(input, "region", "the region it deploys to")])
}

deny contains {"msg": msg, "path": "config.AllSupported"} if {
	has_recorder
	object.get(cfg, "AllSupported", false) != true
	msg := sprintf("AWS Config recorder %s in %s does not record all supported resource types (%s)", [cfg.Name, object.get(input, "region", "the region it deploys to"), scope])
}

deny contains {"msg": msg, "path": "config.LastStatus"} if {
	has_recorder
	lower(object.get(cfg, "LastStatus", "")) == "failure"
	msg := sprintf("AWS Config recorder %s in %s last failed to record", [cfg.Name, object.get(input, "region", "the region it deploys to")])
}

scope := sprintf("%d types excluded", [count(excluded)]) if {
	excluded := object.get(cfg, "ExclusionTypes", [])
	count(excluded) > 0
} else := sprintf("only %d chosen types", [count(object.get(cfg, "ResourceTypes", []))])
