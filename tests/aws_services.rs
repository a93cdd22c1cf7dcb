//! The services beyond the first eight, end to end against moto (and the Access Analyzer
//! calls the test server adds, `scripts/moto_server.py`): an estate with each new
//! type, scanned by the real binary; every type is collected, complete, in the documented
//! shape, environment values redacted, and the rules fire on the failing shapes.

use crate::common;

use std::collections::BTreeSet;

use serde_json::Value;

use common::*;

/// An estate with each type of the services beyond the first eight.
pub(crate) const ESTATE: &str = r#"
import io, zipfile
ec2 = c('ec2')
vpc = ec2.create_vpc(CidrBlock='10.9.0.0/16')['Vpc']['VpcId']
sub = ec2.create_subnet(VpcId=vpc, CidrBlock='10.9.1.0/24')['Subnet']['SubnetId']
ec2.modify_subnet_attribute(SubnetId=sub, MapPublicIpOnLaunch={'Value': True})
acl = ec2.create_network_acl(VpcId=vpc)['NetworkAcl']['NetworkAclId']
ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol='6', RuleAction='allow', Egress=False, CidrBlock='0.0.0.0/0', PortRange={'From': 22, 'To': 22})
eip = ec2.allocate_address(Domain='vpc')['AllocationId']
nat = ec2.create_nat_gateway(SubnetId=sub, AllocationId=eip)['NatGateway']['NatGatewayId']
iam = c('iam')
role = iam.create_role(RoleName='svc', AssumeRolePolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]}))['Role']['Arn']
iam.update_account_password_policy(MinimumPasswordLength=8)
eks = c('eks')
eks.create_cluster(name='prod', roleArn=role, resourcesVpcConfig={'subnetIds': [sub], 'securityGroupIds': [], 'endpointPublicAccess': True}, tags={'owner': 'platform'})
eks.create_nodegroup(clusterName='prod', nodegroupName='ng', subnets=[sub], nodeRole=role, remoteAccess={'ec2SshKey': 'ops'})
ecs = c('ecs')
ecs.create_cluster(clusterName='apps')
ecs.register_task_definition(family='web', networkMode='host', containerDefinitions=[{'name': 'app', 'image': 'nginx', 'memory': 128, 'privileged': True, 'environment': [{'name': 'DB_PASSWORD', 'value': 'hunter2-plain'}, {'name': 'LOG_LEVEL', 'value': 'debug'}]}])
ecs.create_service(cluster='apps', serviceName='web', taskDefinition='web', desiredCount=1, launchType='FARGATE', networkConfiguration={'awsvpcConfiguration': {'subnets': [sub], 'securityGroups': [], 'assignPublicIp': 'ENABLED'}})
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w') as z:
    z.writestr('index.py', 'def handler(e, c):\n    return 1\n')
lam = c('lambda')
lam.create_function(FunctionName='resize', Runtime='python3.8', Role=role, Handler='index.handler', Code={'ZipFile': buf.getvalue()}, Environment={'Variables': {'API_TOKEN': 'tok-plain-123'}})
lam.add_permission(FunctionName='resize', StatementId='public', Action='lambda:InvokeFunction', Principal='*')
lam.create_function_url_config(FunctionName='resize', AuthType='NONE')
c('ecr').create_repository(repositoryName='images')
elb = c('elbv2')
sub2 = ec2.create_subnet(VpcId=vpc, CidrBlock='10.9.2.0/24', AvailabilityZone='us-east-1b')['Subnet']['SubnetId']
lb = elb.create_load_balancer(Name='edge', Subnets=[sub, sub2], Scheme='internet-facing', Type='application')['LoadBalancers'][0]['LoadBalancerArn']
tg = elb.create_target_group(Name='web', Protocol='HTTP', Port=80, VpcId=vpc)['TargetGroups'][0]['TargetGroupArn']
elb.create_listener(LoadBalancerArn=lb, Protocol='HTTP', Port=80, DefaultActions=[{'Type': 'forward', 'TargetGroupArn': tg}])
waf = c('wafv2')
waf.create_web_acl(Name='empty', Scope='REGIONAL', DefaultAction={'Allow': {}}, VisibilityConfig={'SampledRequestsEnabled': True, 'CloudWatchMetricsEnabled': True, 'MetricName': 'm'}, Rules=[])
c('acm').request_certificate(DomainName='shop.example.com')
sm = c('secretsmanager')
sm.create_secret(Name='db', SecretString='never-read')
c('logs').create_log_group(logGroupName='/app/web')
c('sns').create_topic(Name='alerts')
c('sqs').create_queue(QueueName='jobs')
c('dynamodb').create_table(TableName='orders', KeySchema=[{'AttributeName': 'id', 'KeyType': 'HASH'}], AttributeDefinitions=[{'AttributeName': 'id', 'AttributeType': 'S'}], BillingMode='PAY_PER_REQUEST')
c('elasticache').create_replication_group(ReplicationGroupId='cache', ReplicationGroupDescription='cache', Engine='redis', CacheNodeType='cache.t3.micro', NumCacheClusters=1)
c('efs').create_file_system(CreationToken='fs', Tags=[{'Key': 'Name', 'Value': 'shared'}])
c('rds').create_db_cluster(DBClusterIdentifier='aurora', Engine='aurora-postgresql', MasterUsername='u', MasterUserPassword='p4ssw0rd-long')
c('guardduty').create_detector(Enable=False)
c('securityhub').enable_security_hub()
c('config').put_configuration_recorder(ConfigurationRecorder={'name': 'default', 'roleARN': role, 'recordingGroup': {'allSupported': True, 'includeGlobalResourceTypes': True}})
c('accessanalyzer').create_analyzer(analyzerName='acct', type='ACCOUNT')
import urllib.request
put = urllib.request.Request(EP + '/v20180820/configuration/publicAccessBlock', method='PUT',
    data=b'<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>',
    headers={'Content-Type': 'application/xml', 'x-amz-account-id': '123456789012', 'Authorization': 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0'})
urllib.request.urlopen(put).read()
"#;

fn resource<'a>(snapshot: &'a Value, ty: &str) -> &'a Value {
    snapshot["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == ty)
        .unwrap_or_else(|| panic!("no {ty} collected"))
}

#[test]
fn every_new_type_is_collected_and_its_rules_fire() {
    let moto = Moto::start();
    boto(&moto, ESTATE);
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("snapshot.json");
    let out = scan_moto(
        &moto,
        &db(dir.path()),
        &[
            "--format",
            "json",
            "--save-snapshot",
            saved.to_str().unwrap(),
        ],
    );
    let doc = json(&out);
    let failed: Vec<&Value> = doc["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] != "complete")
        .collect();
    assert!(failed.is_empty(), "{failed:#?}\n{}", stderr(&out));
    let snapshot: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    let types: BTreeSet<&str> = snapshot["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["type"].as_str())
        .collect();
    for t in [
        "AWS::EC2::NetworkAcl",
        "AWS::EC2::Subnet",
        "AWS::EC2::NatGateway",
        "AWS::IAM::PasswordPolicy",
        "AWS::S3::AccountPublicAccessBlock",
        "AWS::RDS::DBCluster",
        "AWS::EKS::Cluster",
        "AWS::ECS::Cluster",
        "AWS::ECS::TaskDefinition",
        "AWS::ECS::Service",
        "AWS::Lambda::Function",
        "AWS::ECR::Repository",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AWS::WAFv2::WebACL",
        "AWS::ACM::Certificate",
        "AWS::SecretsManager::Secret",
        "AWS::Logs::LogGroup",
        "AWS::SNS::Topic",
        "AWS::SQS::Queue",
        "AWS::DynamoDB::Table",
        "AWS::ElastiCache::ReplicationGroup",
        "AWS::EFS::FileSystem",
        "AWS::GuardDuty::Detector",
        "AWS::SecurityHub::Hub",
        "AWS::Config::ConfigurationRecorder",
        "AWS::AccessAnalyzer::RegionCoverage",
    ] {
        assert!(types.contains(t), "{t} not collected: {types:?}");
    }

    // Shapes, read from the API's answers.
    let eks = resource(&snapshot, "AWS::EKS::Cluster");
    assert_eq!(eks["config"]["Name"], "prod");
    assert_eq!(eks["tags"]["owner"], "platform");
    assert_eq!(
        eks["config"]["Nodegroups"][0]["RemoteAccess"]["Ec2SshKey"],
        "ops"
    );
    let task = &resource(&snapshot, "AWS::ECS::TaskDefinition")["config"];
    assert_eq!(task["NetworkMode"], "host");
    let env = &task["ContainerDefinitions"][0]["Environment"];
    assert_eq!(env[0]["Name"], "DB_PASSWORD", "names stay");
    let text = std::fs::read_to_string(&saved).unwrap();
    for secret in ["hunter2-plain", "tok-plain-123", "never-read"] {
        assert!(!text.contains(secret), "{secret} reached the snapshot");
    }
    assert!(!stdout(&out).contains("hunter2-plain"));
    let lambda = &resource(&snapshot, "AWS::Lambda::Function")["config"];
    assert_eq!(lambda["FunctionUrlAuthType"], "NONE");
    assert_eq!(lambda["Policy"]["Statement"][0]["Principal"], "*");
    let lb = &resource(&snapshot, "AWS::ElasticLoadBalancingV2::LoadBalancer")["config"];
    assert_eq!(lb["Listeners"][0]["Protocol"], "HTTP");
    assert!(
        lb["Attributes"]["deletion_protection.enabled"].is_string(),
        "{lb}"
    );
    let nat = &resource(&snapshot, "AWS::EC2::NatGateway")["config"];
    assert_eq!(nat["RoutedBy"], serde_json::json!([]));
    let analyzers = &resource(&snapshot, "AWS::AccessAnalyzer::RegionCoverage")["config"];
    assert_eq!(analyzers["Analyzers"][0]["Status"], "ACTIVE");
    let block = &resource(&snapshot, "AWS::S3::AccountPublicAccessBlock")["config"];
    assert_eq!(block["BlockPublicAcls"], true);
    assert_eq!(block["RestrictPublicBuckets"], false);

    // The failing shapes fail their rules; the passing ones do not.
    for (rule, on) in [
        ("EKS-AWS-001", ":cluster/prod"),
        ("NET-AWS-007", ":cluster/prod"),
        ("EKS-AWS-003", ":cluster/prod"),
        ("ECS-AWS-001", ":task-definition/web"),
        ("ECS-AWS-003", ":task-definition/web"),
        ("SEC-AWS-002", ":task-definition/web"),
        ("ECS-AWS-005", ":service/"),
        ("LAMBDA-AWS-001", ":function:resize"),
        ("LAMBDA-AWS-002", ":function:resize"),
        ("SEC-AWS-003", ":function:resize"),
        ("ECR-AWS-001", ":repository/images"),
        ("ELB-AWS-001", ":loadbalancer/"),
        ("ELB-AWS-005", ":loadbalancer/"),
        ("WAF-AWS-002", "/webacl/empty/"),
        ("SM-AWS-001", ":secret:db"),
        ("SNS-AWS-001", ":alerts"),
        ("DDB-AWS-001", ":table/orders"),
        ("EC-AWS-001", ":replicationgroup:cache"),
        ("EFS-AWS-001", ":file-system/"),
        ("NET-AWS-008", ":network-acl/"),
        ("NET-AWS-009", ":subnet/"),
        ("RDS-AWS-010", ":cluster:aurora"),
        ("LOG-AWS-006", ":detector/"),
        ("GUARD-AWS-002", ":configuration-recorder/default"),
        ("IAM-AWS-008", ":account-password-policy"),
        ("S3-AWS-003", ":account-public-access-block"),
    ] {
        let f = finding(&doc, rule, on)
            .unwrap_or_else(|| panic!("{rule} did not fire on {on}: {}", stdout(&out)));
        assert_eq!(f["status"], "open", "{rule}");
    }
    for (rule, on) in [
        ("GUARD-AWS-001", ":hub/default"),
        ("GUARD-AWS-003", ":region-coverage"),
        ("SQS-AWS-002", ":jobs"),
    ] {
        assert!(finding(&doc, rule, on).is_none(), "{rule} fired on {on}");
    }
}
