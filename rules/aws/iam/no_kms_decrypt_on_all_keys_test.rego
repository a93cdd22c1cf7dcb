package vigil.rules.aws.iam.no_kms_decrypt_on_all_keys

test_deny_decrypt_star if {
	count(deny) == 1 with input as {"type": "AWS::IAM::Policy", "name": "p", "config": {"PolicyName": "p", "Document": {"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}}}
}

test_deny_kms_star_and_wildcards if {
	count(deny) == 2 with input as {"type": "AWS::IAM::Group", "name": "g", "config": {"GroupPolicyList": [{"PolicyName": "x", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": ["kms:*", "kms:ReEncrypt*"], "Resource": "*"}]}}]}}
}

test_allow_scoped_key if {
	count(deny) == 0 with input as {"type": "AWS::IAM::Policy", "name": "p", "config": {"PolicyName": "p", "Document": {"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:us-east-1:1:key/k"}]}}}
}

test_allow_encrypt_only if {
	count(deny) == 0 with input as {"type": "AWS::IAM::Policy", "name": "p", "config": {"PolicyName": "p", "Document": {"Statement": [{"Effect": "Allow", "Action": ["kms:Encrypt", "kms:GenerateDataKey"], "Resource": "*"}]}}}
}
