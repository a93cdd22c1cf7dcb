package vigil.rules.aws.guards.config_recorder

recorder(extra) := {"region": "eu-west-1", "type": "AWS::Config::ConfigurationRecorder", "config": object.union({
	"Name": "default", "RoleARN": "arn:aws:iam::1:role/config", "AllSupported": true,
	"IncludeGlobalResourceTypes": true, "ExclusionTypes": [], "ResourceTypes": [],
	"Recording": true, "LastStatus": "Success",
}, extra)}

test_deny_no_recorder if {
	r := deny with input as {"region": "eu-west-1", "config": {"AllSupported": false, "IncludeGlobalResourceTypes": false, "ExclusionTypes": [], "ResourceTypes": [], "Recording": false}}
	r == {{"msg": "AWS Config has no configuration recorder in eu-west-1", "path": "config.Name"}}
}

test_deny_stopped if {
	r := deny with input as recorder({"Recording": false})
	r == {{"msg": "AWS Config recorder default in eu-west-1 is not recording", "path": "config.Recording"}}
}

test_deny_chosen_types if {
	r := deny with input as recorder({"AllSupported": false, "ResourceTypes": ["AWS::EC2::Instance", "AWS::S3::Bucket"]})
	r == {{"msg": "AWS Config recorder default in eu-west-1 does not record all supported resource types (only 2 chosen types)", "path": "config.AllSupported"}}
}

test_deny_exclusions if {
	r := deny with input as recorder({"AllSupported": false, "ExclusionTypes": ["AWS::EC2::NetworkInterface"]})
	count(r) == 1
	some f in r
	contains(f.msg, "(1 types excluded)")
}

test_deny_failure if {
	r := deny with input as recorder({"LastStatus": "Failure"})
	r == {{"msg": "AWS Config recorder default in eu-west-1 last failed to record", "path": "config.LastStatus"}}
}

test_deny_fields_missing if {
	r := deny with input as {"region": "eu-west-1", "config": {"Name": "default"}}
	{f.path | some f in r} == {"config.Recording", "config.AllSupported"}
}

test_allow_recording_all if {
	count(deny) == 0 with input as recorder({})
	count(deny) == 0 with input as recorder({"LastStatus": "Pending"})
}
