# METADATA
# title: Lambda function uses a deprecated runtime
# description: "The function's Runtime is compared with the scan time against the table of deprecation dates in this rule (AWS Lambda's runtime deprecation table; keep it up to date as AWS announces dates). From that date AWS no longer patches the runtime. Functions packaged as container images (no Runtime) and runtimes not in the table pass."
# custom:
#   id: LAMBDA-AWS-003
#   severity: medium
#   controls: [SA-22, SI-2]
#   resource_types: ["AWS::Lambda::Function"]
#   remediation: Test the code on a supported runtime, then aws lambda update-function-configuration --function-name <function> --runtime <supported runtime>.
package vigil.rules.aws.lambda.runtime_supported

# Runtime identifier -> deprecation date (UTC): the day AWS stops applying security patches.
deprecation := {
	"nodejs": "2016-10-31",
	"nodejs4.3": "2020-03-05",
	"nodejs4.3-edge": "2020-03-05",
	"nodejs6.10": "2019-08-12",
	"nodejs8.10": "2020-03-06",
	"nodejs10.x": "2021-07-30",
	"nodejs12.x": "2023-03-31",
	"nodejs14.x": "2023-12-04",
	"nodejs16.x": "2024-06-12",
	"nodejs18.x": "2025-09-01",
	"nodejs20.x": "2026-04-30",
	"nodejs22.x": "2027-04-30",
	"python2.7": "2021-07-15",
	"python3.6": "2022-07-18",
	"python3.7": "2023-12-04",
	"python3.8": "2024-10-14",
	"python3.9": "2025-12-15",
	"python3.10": "2026-06-30",
	"python3.11": "2026-06-30",
	"python3.12": "2028-10-31",
	"python3.13": "2029-06-30",
	"java8": "2024-01-08",
	"java8.al2": "2026-06-30",
	"java11": "2026-06-30",
	"java17": "2026-06-30",
	"java21": "2029-06-30",
	"dotnetcore1.0": "2019-07-27",
	"dotnetcore2.0": "2019-05-30",
	"dotnetcore2.1": "2022-01-05",
	"dotnetcore3.1": "2023-04-03",
	"dotnet5.0": "2022-05-10",
	"dotnet6": "2024-12-20",
	"dotnet7": "2024-05-14",
	"dotnet8": "2026-11-10",
	"go1.x": "2024-01-08",
	"ruby2.5": "2021-07-30",
	"ruby2.7": "2023-12-07",
	"ruby3.2": "2026-03-31",
	"ruby3.3": "2027-03-31",
	"provided": "2024-01-08",
	"provided.al2": "2026-06-30",
	"provided.al2023": "2029-06-30",
}

deny contains {"msg": msg, "path": "config.Runtime"} if {
	runtime := input.config.Runtime
	date := deprecation[runtime]
	data.vigil.context.now_ns >= time.parse_rfc3339_ns(sprintf("%sT00:00:00Z", [date]))
	msg := sprintf("Lambda function %s uses runtime %s, deprecated since %s", [input.config.FunctionName, runtime, date])
}
