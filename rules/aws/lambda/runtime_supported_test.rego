package vigil.rules.aws.lambda.runtime_supported

# 2026-01-01T00:00:00Z
jan_2026 := 1767225600000000000

# 2025-12-15T00:00:00Z
dec_15_2025 := 1765756800000000000

fn(runtime) := {"type": "AWS::Lambda::Function", "config": {"FunctionName": "hook", "Runtime": runtime, "PackageType": "Zip"}}

test_deny_deprecated_runtime if {
	r := deny with input as fn("python3.8") with data.vigil.context.now_ns as jan_2026
	r == {{"msg": "Lambda function hook uses runtime python3.8, deprecated since 2024-10-14", "path": "config.Runtime"}}
}

test_deny_on_the_deprecation_date if {
	count(deny) == 1 with input as fn("python3.9") with data.vigil.context.now_ns as dec_15_2025
}

test_allow_before_the_deprecation_date if {
	count(deny) == 0 with input as fn("ruby3.2") with data.vigil.context.now_ns as jan_2026
}

test_allow_supported_runtime if {
	count(deny) == 0 with input as fn("python3.13") with data.vigil.context.now_ns as jan_2026
}

test_allow_unknown_runtime if {
	count(deny) == 0 with input as fn("python3.14") with data.vigil.context.now_ns as jan_2026
}

test_allow_container_image if {
	count(deny) == 0 with input as {"config": {"FunctionName": "hook", "PackageType": "Image"}} with data.vigil.context.now_ns as jan_2026
}
