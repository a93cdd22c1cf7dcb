#!/usr/bin/env python3
"""Populate an AWS emulator (moto's server) with vigil's demo estate.

    python3 demo/populate.py --endpoint-url http://127.0.0.1:PORT [--regions us-east-1,eu-west-1]

Some resources comply with vigil's rules, others break them on purpose; the comment on each
names the rule it is meant to trigger. Only boto3 is needed, and only the endpoint given is
ever contacted (the credentials are dummies).
"""
import argparse
import json
import sys

import boto3

TAGS = {"owner": "platform-team", "environment": "prod", "cost-center": "cc-1042", "data-classification": "internal"}


def tag_list(extra=None, **override):
    tags = dict(TAGS, **override)
    tags.update(extra or {})
    return [{"Key": k, "Value": v} for k, v in tags.items() if v is not None]


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--endpoint-url", required=True)
    ap.add_argument("--regions", default="us-east-1,eu-west-1")
    args = ap.parse_args()
    regions = [r.strip() for r in args.regions.split(",") if r.strip()]
    home = regions[0]

    def c(service, region=home):
        return boto3.client(service, endpoint_url=args.endpoint_url, region_name=region,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    created = {}

    def count(kind, n=1):
        created[kind] = created.get(kind, 0) + n

    # ---- IAM (global) ----------------------------------------------------------------
    iam = c("iam")
    if any(u["UserName"] == "alice" for u in iam.list_users()["Users"]):
        sys.exit("this emulator already holds the demo estate; start a fresh one (demo/moto.sh start)")
    iam.create_user(UserName="alice", Tags=tag_list(owner="alice@example.com"))
    iam.create_login_profile(UserName="alice", Password="Demo-only-123!")  # IAM-AWS-007: console, no MFA
    iam.create_access_key(UserName="alice")
    iam.create_user(UserName="ci-bot", Tags=tag_list())
    iam.create_access_key(UserName="ci-bot")
    count("iam users", 2)

    iam.create_group(GroupName="admins")
    # IAM-AWS-001 and IAM-AWS-003: an inline admin policy.
    iam.put_group_policy(GroupName="admins", PolicyName="everything",
                         PolicyDocument=doc({"Effect": "Allow", "Action": "*", "Resource": "*"}))
    iam.add_user_to_group(GroupName="admins", UserName="alice")
    count("iam groups")

    policies = {
        "AdminAll": doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),  # IAM-AWS-001
        "S3FullAccessWildcard": doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),  # IAM-AWS-002
        "DecryptEverything": doc({"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": "*"}),  # IAM-AWS-004
        "ReadReportsBucket": doc({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                                  "Resource": ["arn:aws:s3:::acme-reports", "arn:aws:s3:::acme-reports/*"]}),  # compliant
    }
    arns = {}
    for name, document in policies.items():
        arns[name] = iam.create_policy(PolicyName=name, PolicyDocument=document)["Policy"]["Arn"]
    count("iam policies", len(policies))
    iam.create_role(RoleName="reports-reader", Tags=tag_list(),
                    AssumeRolePolicyDocument=doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                  "Action": "sts:AssumeRole"}))
    iam.attach_role_policy(RoleName="reports-reader", PolicyArn=arns["ReadReportsBucket"])
    iam.attach_user_policy(UserName="ci-bot", PolicyArn=arns["S3FullAccessWildcard"])
    count("iam roles")

    # ---- S3 (global) -------------------------------------------------------------------
    s3 = c("s3")
    kms = c("kms")
    data_key = kms.create_key(Description="s3 data key", Tags=[{"TagKey": k, "TagValue": v} for k, v in TAGS.items()])
    data_key_arn = data_key["KeyMetadata"]["Arn"]
    kms.enable_key_rotation(KeyId=data_key["KeyMetadata"]["KeyId"])  # compliant key

    s3.create_bucket(Bucket="acme-audit-logs")  # compliant: SSE-KMS, public access block, TLS only, tags
    s3.put_bucket_encryption(Bucket="acme-audit-logs", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": data_key_arn},
         "BucketKeyEnabled": True}]})
    s3.put_public_access_block(Bucket="acme-audit-logs", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_policy(Bucket="acme-audit-logs", Policy=doc({
        "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::acme-audit-logs", "arn:aws:s3:::acme-audit-logs/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}))
    s3.put_bucket_tagging(Bucket="acme-audit-logs", Tagging={"TagSet": tag_list(extra={"data-classification": "confidential"})})
    # S3-AWS-001, S3-AWS-002, NET-AWS-005, TAG-AWS-003: nothing configured.
    s3.create_bucket(Bucket="acme-public-assets")
    # S3-AWS-001 (SSE-S3 only), NET-AWS-005 (partial block), TAG-AWS-003 (unknown classification).
    s3.create_bucket(Bucket="acme-reports")
    s3.put_bucket_encryption(Bucket="acme-reports", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_public_access_block(Bucket="acme-reports", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": True})
    s3.put_bucket_tagging(Bucket="acme-reports", Tagging={"TagSet": tag_list(extra={"data-classification": "top-secret"})})
    count("s3 buckets", 3)

    # ---- CloudTrail (home region; multi-region) ---------------------------------------
    ct = c("cloudtrail")
    # LOG-AWS-001 passes in every region; CT-AWS-001 (no KMS) and LOG-AWS-003 (no CloudWatch) fire.
    ct.create_trail(Name="org-trail", S3BucketName="acme-audit-logs", IsMultiRegionTrail=True,
                    EnableLogFileValidation=True, TagsList=tag_list())
    ct.start_logging(Name="org-trail")
    count("cloudtrail trails")

    # ---- KMS --------------------------------------------------------------------------
    k = kms.create_key(Description="legacy key", Tags=[{"TagKey": "owner", "TagValue": "TBD"}])  # KMS-AWS-001, TAG-AWS-005
    old = kms.create_key(Description="retired key")  # KMS-AWS-002 + TAG-AWS-004
    kms.schedule_key_deletion(KeyId=old["KeyMetadata"]["KeyId"], PendingWindowInDays=7)
    count("kms keys", 3)

    # ---- RDS --------------------------------------------------------------------------
    rds = c("rds")
    # RDS-AWS-001 and NET-AWS-006: unencrypted and public. (The password is a demo value.)
    rds.create_db_instance(DBInstanceIdentifier="orders-db", DBInstanceClass="db.t3.micro", Engine="postgres",
                           MasterUsername="orders", MasterUserPassword="demo-only-pw-1",
                           AllocatedStorage=20, PubliclyAccessible=True, StorageEncrypted=False,
                           Tags=tag_list(extra={"data-classification": "confidential"}))
    count("rds instances")

    # ---- EC2, per region --------------------------------------------------------------
    for i, region in enumerate(regions):
        ec2 = c("ec2", region)
        image = ec2.register_image(Name="base-image", RootDeviceName="/dev/xvda",
                                   BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}}])["ImageId"]
        vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
        ec2.create_tags(Resources=[vpc], Tags=tag_list(Name=f"app-{region}"))
        if i == 0:
            # LOG-AWS-004 passes for this VPC; the region's default VPC has no flow log.
            ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                                 LogDestinationType="s3", LogDestination="arn:aws:s3:::acme-audit-logs")
            ec2.enable_ebs_encryption_by_default()  # EBS-AWS-002 fires in the other regions only
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]

        web = ec2.create_security_group(GroupName="web", Description="https from anywhere", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        ssh = ec2.create_security_group(GroupName="ssh-anywhere", Description="legacy admin", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=ssh, IpPermissions=[  # NET-AWS-001
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
             "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
        db = ec2.create_security_group(GroupName="db-open", Description="mysql", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[  # NET-AWS-002
            {"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        for g in (web, ssh, db):
            ec2.create_tags(Resources=[g], Tags=tag_list())
        count("security groups", 3)

        # Compliant instance: IMDSv2, private subnet, tagged, NIST_Control tag valid.
        ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=subnet,
                          MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
                          TagSpecifications=[{"ResourceType": "instance",
                                              "Tags": tag_list(Name="api-1", extra={"NIST_Control": "AC-2_SC-28"})}])
        # EC2-AWS-001 (IMDSv1), NET-AWS-004 (public IP in the default VPC), TAG-AWS-001 (no tags),
        # TAG-AWS-006 (invalid NIST_Control).
        ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                          TagSpecifications=[{"ResourceType": "instance",
                                              "Tags": [{"Key": "Name", "Value": "legacy-box"},
                                                       {"Key": "NIST_Control", "Value": "AC-99_XX-1"}]}])
        # IDLE-AWS-001 once it has been stopped for more than idle_hours (72 by default).
        stopped = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=subnet,
                                    MetadataOptions={"HttpTokens": "required"},
                                    TagSpecifications=[{"ResourceType": "instance",
                                                        "Tags": tag_list(Name="batch-worker", environment="dev")}])
        ec2.stop_instances(InstanceIds=[stopped["Instances"][0]["InstanceId"]])
        count("instances", 3)

        az = f"{region}a"
        ok_vol = ec2.create_volume(AvailabilityZone=az, Size=20, Encrypted=True,
                                   TagSpecifications=[{"ResourceType": "volume", "Tags": tag_list(Name="data")}])
        # EBS-AWS-001, TAG-AWS-002, and IDLE-AWS-002 once older than idle_hours: unencrypted and unattached.
        loose = ec2.create_volume(AvailabilityZone=az, Size=50, Encrypted=False)
        ec2.create_snapshot(VolumeId=loose["VolumeId"], Description="before cleanup")  # EBS-AWS-003
        ec2.create_snapshot(VolumeId=ok_vol["VolumeId"], Description="nightly",
                            TagSpecifications=[{"ResourceType": "snapshot", "Tags": tag_list()}])
        count("volumes", 2)
        count("snapshots", 2)
        ec2.allocate_address(Domain="vpc")  # IDLE-AWS-003: allocated, never associated
        count("elastic ips")

    summary = ", ".join(f"{n} {kind}" for kind, n in created.items())
    print(f"demo estate in {', '.join(regions)}: {summary}")


if __name__ == "__main__":
    main()
