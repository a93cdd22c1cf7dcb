package vigil.rules.aws.ecr.lifecycle_policy

test_deny_policy_missing if {
	r := deny with input as {"type": "AWS::ECR::Repository", "config": {"RepositoryName": "web"}}
	r == {{"msg": "ECR repository web has no lifecycle policy", "path": "config.LifecyclePolicy"}}
}

test_allow_policy if {
	count(deny) == 0 with input as {"config": {"RepositoryName": "web", "LifecyclePolicy": {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14}, "action": {"type": "expire"}}]}}}
}
