package vigil.rules.aws.ecr.immutable_tags

test_deny_mutable if {
	r := deny with input as {"type": "AWS::ECR::Repository", "config": {"RepositoryName": "web", "ImageTagMutability": "MUTABLE"}}
	r == {{"msg": "ECR repository web has mutable image tags (MUTABLE)", "path": "config.ImageTagMutability"}}
}

test_deny_mutable_with_exclusion if {
	count(deny) == 1 with input as {"config": {"RepositoryName": "web", "ImageTagMutability": "MUTABLE_WITH_EXCLUSION"}}
}

test_deny_field_missing if {
	count(deny) == 1 with input as {"config": {"RepositoryName": "web"}}
}

test_allow_immutable if {
	count(deny) == 0 with input as {"config": {"RepositoryName": "web", "ImageTagMutability": "IMMUTABLE"}}
}

test_allow_immutable_with_exclusion if {
	count(deny) == 0 with input as {"config": {"RepositoryName": "web", "ImageTagMutability": "IMMUTABLE_WITH_EXCLUSION"}}
}
