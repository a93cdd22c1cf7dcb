"""Extracts tests/data/aws-cli-examples.json from a checkout of github.com/aws/aws-cli (Apache-2.0):
the first "Output::" block of each example below, each resource of it with its file.
Usage: cd aws-cli && python3 aws-cli-examples.make.py > aws-cli-examples.json
"""
import json, re, subprocess, sys
FILES = {
 "acm/describe-certificate": ("AWS::ACM::Certificate", "Certificate"),
 "dynamodb/describe-table": ("AWS::DynamoDB::Table", "Table"),
 "ec2/describe-nat-gateways": ("AWS::EC2::NatGateway", "NatGateways"),
 "ec2/describe-network-acls": ("AWS::EC2::NetworkAcl", "NetworkAcls"),
 "ec2/describe-subnets": ("AWS::EC2::Subnet", "Subnets"),
 "ecr/describe-repositories": ("AWS::ECR::Repository", "repositories"),
 "ecs/describe-clusters": ("AWS::ECS::Cluster", "clusters"),
 "ecs/describe-services": ("AWS::ECS::Service", "services"),
 "ecs/describe-task-definition": ("AWS::ECS::TaskDefinition", "taskDefinition"),
 "efs/describe-file-systems": ("AWS::EFS::FileSystem", "FileSystems"),
 "eks/describe-cluster": ("AWS::EKS::Cluster", "cluster"),
 "elasticache/describe-replication-groups": ("AWS::ElastiCache::ReplicationGroup", "ReplicationGroups"),
 "elbv2/describe-load-balancers": ("AWS::ElasticLoadBalancingV2::LoadBalancer", "LoadBalancers"),
 "guardduty/get-detector": ("AWS::GuardDuty::Detector", None),
 "iam/get-account-password-policy": ("AWS::IAM::PasswordPolicy", "PasswordPolicy"),
 "lambda/list-functions": ("AWS::Lambda::Function", "Functions"),
 "logs/describe-log-groups": ("AWS::Logs::LogGroup", "logGroups"),
 "rds/describe-db-clusters": ("AWS::RDS::DBCluster", "DBClusters"),
 "secretsmanager/list-secrets": ("AWS::SecretsManager::Secret", "SecretList"),
 "securityhub/describe-hub": ("AWS::SecurityHub::Hub", None),
 "wafv2/get-web-acl": ("AWS::WAFv2::WebACL", "WebACL"),
}
out = []
for f, (ty, key) in FILES.items():
    text = subprocess.run(["git", "show", f"HEAD:awscli/examples/{f}.rst"], capture_output=True, text=True).stdout
    # every "Output::" block: the indented lines after it
    for m in re.finditer(r"Output::\s*\n\n((?:[ \t]+.*\n|\s*\n)+)", text):
        block = m.group(1)
        start = block.find("{")
        if start < 0:
            continue
        try:
            doc, _ = json.JSONDecoder().raw_decode(block[start:])
        except Exception as e:
            continue
        items = [doc] if key is None else doc.get(key)
        if items is None:
            continue
        if isinstance(items, dict):
            items = [items]
        for it in items:
            out.append({"example": f"awscli/examples/{f}.rst", "type": ty, "answer": it})
        break
json.dump(out, sys.stdout, indent=1)
print(len(out), file=sys.stderr)
