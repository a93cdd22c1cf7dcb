# METADATA
# title: ECR repository does not scan images on push
# custom:
#   id: ECR-AWS-001
#   severity: medium
#   controls: [RA-5, SI-2]
#   resource_types: ["AWS::ECR::Repository"]
#   remediation: aws ecr put-image-scanning-configuration --repository-name <repository> --image-scanning-configuration scanOnPush=true (or configure enhanced scanning for the registry).
#   action: ecr_scan_on_push
package vigil.rules.aws.ecr.scan_on_push

deny contains {"msg": msg, "path": "config.ImageScanningConfiguration.ScanOnPush"} if {
	object.get(input.config, ["ImageScanningConfiguration", "ScanOnPush"], false) != true
	msg := sprintf("ECR repository %s does not scan images on push", [input.config.RepositoryName])
}
