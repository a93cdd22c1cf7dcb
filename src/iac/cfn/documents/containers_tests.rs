use serde_json::json;

use crate::iac::cfn::documents::testing::*;
use crate::iac::cfn::documents::UNKNOWN_TEXT;
use crate::redact::REDACTED;

/// A Fargate service shaped after AWS's sample: a cluster, a task definition of two
/// containers, a service on it by reference; a second service with a public IP on a cluster
/// named by text.
const ECS: &str = r#"
Resources:
  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: prod
      ClusterSettings: [{Name: containerInsights, Value: enabled}]
      Tags: [{Key: team, Value: web}]
  Bare:
    Type: AWS::ECS::Cluster
  Providers:
    Type: AWS::ECS::ClusterCapacityProviderAssociations
    Properties: {Cluster: !Ref Cluster, CapacityProviders: [FARGATE], DefaultCapacityProviderStrategy: []}
  TaskDef:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      ExecutionRoleArn: !GetAtt ExecRole.Arn
      ContainerDefinitions:
        - Name: app
          Image: public.ecr.aws/nginx/nginx:1.27
          ReadonlyRootFilesystem: true
          User: 1000
          LogConfiguration:
            LogDriver: awslogs
            Options: {awslogs-group: !Ref Logs, awslogs-stream-prefix: app, max-buffer-size: 4}
          Environment:
            - {Name: LOG_LEVEL, Value: info}
            - {Name: DB_PASSWORD, Value: hunter2}
            - {Name: EMPTY, Value: ""}
          Secrets: [{Name: API_KEY, ValueFrom: !Ref ApiKey}]
        - Name: agent
          Image: datadog/agent
          Essential: false
          Privileged: true
  BridgeTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions: [{Name: worker, Image: busybox}]
  Service:
    Type: AWS::ECS::Service
    Properties:
      ServiceName: web
      Cluster: !Ref Cluster
      LaunchType: FARGATE
      TaskDefinition: !Ref TaskDef
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets: [!Ref SubnetA]
          SecurityGroups: [!Ref Sg]
  PublicService:
    Type: AWS::ECS::Service
    Properties:
      Cluster: edge
      TaskDefinition: web:3
      DesiredCount: 2
      EnableExecuteCommand: true
      NetworkConfiguration:
        AwsvpcConfiguration: {AssignPublicIp: ENABLED, Subnets: [subnet-0abc]}
  Daemon:
    Type: AWS::ECS::Service
    Properties: {SchedulingStrategy: DAEMON, TaskDefinition: !GetAtt BridgeTask.TaskDefinitionArn}
  Logs: {Type: AWS::Logs::LogGroup}
  ExecRole: {Type: AWS::IAM::Role}
  ApiKey: {Type: AWS::SecretsManager::Secret}
  SubnetA: {Type: AWS::EC2::Subnet}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: web}
"#;

#[test]
fn ecs_clusters_read_their_settings_and_the_capacity_providers_are_joined() {
    let d = build_text(ECS);
    let c = &built(&d, "Cluster").resource;
    assert_eq!(c.name.as_deref(), Some("prod"));
    assert_eq!(c.tags.get("team").map(String::as_str), Some("web"));
    assert_eq!(
        c.config,
        json!({"ClusterName": "prod", "ClusterArn": "${Cluster.Arn}", "Status": "ACTIVE",
               "Settings": [{"Name": "containerInsights", "Value": "enabled"}]})
    );
    let bare = config(&d, "Bare");
    assert_eq!(bare["ClusterName"], "Bare");
    assert_eq!(bare["Settings"], json!([]), "no setting: off");
    assert_eq!(d.joined, 1, "the capacity provider associations");
    let ecs = |t: &&String| t.starts_with("AWS::ECS::");
    assert_eq!(d.unsupported.keys().find(ecs), None, "{:?}", d.unsupported);
}

#[test]
fn a_task_definition_has_its_containers_with_environment_values_redacted() {
    let d = build_text(ECS);
    let t = config(&d, "TaskDef");
    assert_eq!(t["Family"], "web");
    assert_eq!(t["TaskDefinitionArn"], "${TaskDef}");
    assert_eq!(t["NetworkMode"], "awsvpc");
    assert_eq!(t["RequiresCompatibilities"], json!(["FARGATE"]));
    assert_eq!(t["ExecutionRoleArn"], "${ExecRole.Arn}");
    let app = &t["ContainerDefinitions"][0];
    assert_eq!(
        app["Environment"],
        json!([{"Name": "LOG_LEVEL", "Value": REDACTED}, {"Name": "DB_PASSWORD", "Value": REDACTED},
               {"Name": "EMPTY", "Value": ""}]),
        "every value redacted, the names kept"
    );
    assert!(!t.to_string().contains("hunter2"));
    assert_eq!(app["Essential"], true, "assumed essential");
    assert_eq!(app["ReadonlyRootFilesystem"], true);
    assert_eq!(app["User"], "1000", "as text");
    assert_eq!(
        app["LogConfiguration"],
        json!({"LogDriver": "awslogs", "Options": {"awslogs-group": "${Logs}",
               "awslogs-stream-prefix": "app", "max-buffer-size": "4"}})
    );
    assert_eq!(
        app["Secrets"],
        json!([{"Name": "API_KEY", "ValueFrom": "${ApiKey}"}])
    );
    assert!(app.get("Privileged").is_none(), "not set: absent");
    let agent = &t["ContainerDefinitions"][1];
    assert_eq!(
        (&agent["Essential"], &agent["Privileged"]),
        (&json!(false), &json!(true))
    );
    assert!(agent.get("ReadonlyRootFilesystem").is_none());
    assert!(agent.get("LogConfiguration").is_none());

    let bridge = config(&d, "BridgeTask");
    assert_eq!(bridge["Family"], "BridgeTask");
    assert!(
        bridge.get("NetworkMode").is_none(),
        "bridge, given back as none"
    );
    assert_eq!(bridge["Revision"], 1);
}

#[test]
fn a_service_names_its_cluster_and_task_definition_and_has_aws_defaults() {
    let d = build_text(ECS);
    let s = &built(&d, "Service").resource;
    assert_eq!(s.name.as_deref(), Some("web"));
    assert_eq!(
        s.config,
        json!({
            "ServiceName": "web", "ServiceArn": "${Service}", "ClusterArn": "${Cluster.Arn}",
            "Status": "ACTIVE", "LaunchType": "FARGATE", "PlatformVersion": "LATEST",
            "TaskDefinition": "${TaskDef}", "DesiredCount": 1, "EnableExecuteCommand": false,
            "NetworkConfiguration": {"AwsvpcConfiguration": {"AssignPublicIp": "DISABLED",
                "Subnets": ["${SubnetA}"], "SecurityGroups": ["${Sg}"]}},
        })
    );
    let public = config(&d, "PublicService");
    assert_eq!(
        public["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"],
        "ENABLED"
    );
    assert_eq!(
        public["ClusterArn"],
        "arn:aws:ecs:${AWS::Region}:${AWS::AccountId}:cluster/edge"
    );
    assert_eq!(public["TaskDefinition"], "web:3");
    assert_eq!(public["DesiredCount"], 2);
    assert_eq!(public["EnableExecuteCommand"], true);
    assert!(public.get("PlatformVersion").is_none(), "not Fargate");
    let daemon = config(&d, "Daemon");
    assert_eq!(
        daemon["ClusterArn"],
        "arn:aws:ecs:${AWS::Region}:${AWS::AccountId}:cluster/default"
    );
    assert_eq!(
        daemon["TaskDefinition"], "${BridgeTask}",
        "the ARN, whichever attribute names it"
    );
    assert_eq!(daemon["DesiredCount"], 0, "no default count for a daemon");
    assert!(daemon.get("NetworkConfiguration").is_none());
}

/// An EKS cluster shaped after AWS's sample, with two node groups (one by reference, one by
/// name) and a node group of another cluster; a bare cluster.
const EKS: &str = r#"
Resources:
  Eks:
    Type: AWS::EKS::Cluster
    Properties:
      Name: prod
      Version: 1.30
      RoleArn: !GetAtt ClusterRole.Arn
      ResourcesVpcConfig:
        SubnetIds: [!Ref SubnetA, !Ref SubnetB]
        SecurityGroupIds: [!Ref Sg]
        EndpointPrivateAccess: true
        PublicAccessCidrs: [203.0.113.0/24]
      EncryptionConfig:
        - Resources: [secrets]
          Provider: {KeyArn: !GetAtt Key.Arn}
      Logging:
        ClusterLogging:
          EnabledTypes: [{Type: api}, {Type: audit}]
      Tags: [{Key: env, Value: prod}]
  Workers:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: !Ref Eks
      NodeRole: !GetAtt NodeRole.Arn
      Subnets: [!Ref SubnetA]
      RemoteAccess: {Ec2SshKey: ops}
      Tags: {team: platform}
  Spot:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: prod
      NodegroupName: spot
      CapacityType: SPOT
      Version: "1.29"
      LaunchTemplate: {Id: !Ref Lt, Version: 3}
      RemoteAccess: {Ec2SshKey: ops, SourceSecurityGroups: [!Ref Sg]}
  Elsewhere:
    Type: AWS::EKS::Nodegroup
    Properties: {ClusterName: other, NodeRole: arn:aws:iam::111122223333:role/n}
  Bare:
    Type: AWS::EKS::Cluster
    Properties:
      RoleArn: arn:aws:iam::111122223333:role/eks
      ResourcesVpcConfig: {SubnetIds: [subnet-1, subnet-2]}
  ClusterRole: {Type: AWS::IAM::Role}
  NodeRole: {Type: AWS::IAM::Role}
  Key: {Type: AWS::KMS::Key}
  Lt: {Type: AWS::EC2::LaunchTemplate}
  SubnetA: {Type: AWS::EC2::Subnet}
  SubnetB: {Type: AWS::EC2::Subnet}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: eks}
"#;

#[test]
fn an_eks_cluster_has_its_settings_and_node_groups() {
    let d = build_text(EKS);
    assert_eq!(d.joined, 3, "the three node groups");
    let e = &built(&d, "Eks").resource;
    assert_eq!(e.tags.get("env").map(String::as_str), Some("prod"));
    let c = &e.config;
    assert_eq!(c["Name"], "prod");
    assert_eq!(c["Version"], "1.30", "YAML's 1.3 is 1.30");
    assert_eq!(c["RoleArn"], "${ClusterRole.Arn}");
    assert_eq!(
        c["ResourcesVpcConfig"],
        json!({"EndpointPublicAccess": true, "EndpointPrivateAccess": true,
               "PublicAccessCidrs": ["203.0.113.0/24"], "SubnetIds": ["${SubnetA}", "${SubnetB}"],
               "SecurityGroupIds": ["${Sg}"], "ClusterSecurityGroupId": "${Eks.ClusterSecurityGroupId}"})
    );
    assert_eq!(
        c["EncryptionConfig"],
        json!([{"Resources": ["secrets"], "Provider": {"KeyArn": "${Key.Arn}"}}])
    );
    assert_eq!(
        c["Logging"],
        json!({"ClusterLogging": [
            {"Types": ["api", "audit"], "Enabled": true},
            {"Types": ["authenticator", "controllerManager", "scheduler"], "Enabled": false},
        ]})
    );
    let groups = c["Nodegroups"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "not the other cluster's: {groups:?}");
    let group = |n: &str| groups.iter().find(|g| g["NodegroupName"] == n).unwrap();
    assert_eq!(
        group("Workers"),
        &json!({"NodegroupName": "Workers", "NodegroupArn": "${Workers.Arn}", "Status": "ACTIVE",
               "Version": "1.30", "RemoteAccess": {"Ec2SshKey": "ops", "SourceSecurityGroups": []}}),
        "the cluster's version"
    );
    let spot = group("spot");
    assert_eq!(spot["Version"], "1.29", "its own");
    assert_eq!(spot["CapacityType"], "SPOT");
    assert_eq!(
        spot["LaunchTemplate"],
        json!({"Id": "${Lt}", "Version": "3"})
    );
    assert_eq!(
        spot["RemoteAccess"]["SourceSecurityGroups"],
        json!(["${Sg}"])
    );
}

#[test]
fn a_bare_eks_cluster_has_what_eks_sets() {
    let d = build_text(EKS);
    let c = config(&d, "Bare");
    assert_eq!(c["Name"], "Bare");
    assert_eq!(c["ResourcesVpcConfig"]["EndpointPublicAccess"], true);
    assert_eq!(c["ResourcesVpcConfig"]["EndpointPrivateAccess"], false);
    assert_eq!(
        c["ResourcesVpcConfig"]["PublicAccessCidrs"],
        json!(["0.0.0.0/0"])
    );
    assert_eq!(c["EncryptionConfig"], json!([]));
    assert_eq!(
        c["Logging"],
        json!({"ClusterLogging": [{"Types": ["api", "audit", "authenticator",
               "controllerManager", "scheduler"], "Enabled": false}]}),
        "every type off"
    );
    assert!(c.get("Version").is_none(), "EKS's default version");
    assert_eq!(c["Nodegroups"], json!([]));
    assert!(built(&d, "Bare").unknowns.is_empty());
}

#[test]
fn values_unknown_until_deploy_are_left_open() {
    let d = build_text(
        r#"
Parameters:
  P: {Type: String, AllowedValues: ["true", "false"]}
  Types: {Type: CommaDelimitedList}
  Password: {Type: String, NoEcho: true}
  Key: {Type: String}
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Chosen:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        !If [IsProd, [{Name: a, ReadonlyRootFilesystem: true}], [{Name: b}]]
  Eks:
    Type: AWS::EKS::Cluster
    Properties:
      RoleArn: arn:aws:iam::111122223333:role/eks
      ResourcesVpcConfig: {SubnetIds: [subnet-1], EndpointPublicAccess: !Ref P}
      Logging: {ClusterLogging: {EnabledTypes: [{Type: api}, {Type: !Select [0, !Ref Types]}]}}
  Workers:
    Type: AWS::EKS::Nodegroup
    Properties: {ClusterName: !Ref Eks, RemoteAccess: {Ec2SshKey: !Ref Key}}
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          Environment: [{Name: DB_PASSWORD, Value: !Ref Password}]
"#,
    );
    let e = built(&d, "Eks");
    let paths: Vec<&str> = e.unknowns.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "config.Logging.ClusterLogging[1].Enabled",
            "config.Nodegroups[0].RemoteAccess.Ec2SshKey",
            "config.ResourcesVpcConfig.EndpointPublicAccess",
        ],
        "{:?}",
        e.unknowns
    );
    assert_eq!(e.unknowns[2].1, "parameter P has no value");
    let pass = &e.resource.config;
    let fail = &e.other.as_ref().unwrap().config;
    assert_eq!(pass["ResourcesVpcConfig"]["EndpointPublicAccess"], true);
    assert_eq!(fail["ResourcesVpcConfig"]["EndpointPublicAccess"], false);
    assert_eq!(
        pass["Logging"]["ClusterLogging"][0],
        json!({"Types": ["api"], "Enabled": true})
    );
    assert_eq!(fail["Logging"]["ClusterLogging"][1]["Enabled"], false);
    assert_eq!(
        pass["Nodegroups"][0]["RemoteAccess"]["Ec2SshKey"],
        UNKNOWN_TEXT
    );
    assert!(fail["Nodegroups"][0]["RemoteAccess"]
        .get("Ec2SshKey")
        .is_none());

    let t = built(&d, "Task");
    assert_eq!(
        t.unknowns[0].0,
        "config.ContainerDefinitions[0].Environment[0].Value"
    );
    let var = &t.resource.config["ContainerDefinitions"][0]["Environment"][0];
    assert_eq!(var, &json!({"Name": "DB_PASSWORD", "Value": UNKNOWN_TEXT}));

    let chosen = built(&d, "Chosen");
    let paths: Vec<&str> = chosen.unknowns.iter().map(|(p, _)| p.as_str()).collect();
    assert!(
        paths.contains(&"config.ContainerDefinitions[0].ReadonlyRootFilesystem"),
        "{paths:?}"
    );
    let pass = &chosen.resource.config["ContainerDefinitions"][0];
    let fail = &chosen.other.as_ref().unwrap().config["ContainerDefinitions"][0];
    assert_eq!(
        (
            &pass["ReadonlyRootFilesystem"],
            &fail["ReadonlyRootFilesystem"]
        ),
        (&json!(true), &json!(false)),
        "containers chosen at deploy: one container whose settings are open"
    );
    assert_eq!(
        (&pass["Privileged"], &fail["Privileged"]),
        (&json!(true), &json!(false))
    );
}

#[test]
fn a_public_ip_chosen_at_deploy_is_open_both_ways() {
    let d = build_text(
        r#"
Parameters:
  Public: {Type: String, AllowedValues: [ENABLED, DISABLED]}
Resources:
  Service:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      NetworkConfiguration:
        AwsvpcConfiguration: {AssignPublicIp: !Ref Public, Subnets: [subnet-0abc]}
"#,
    );
    let s = built(&d, "Service");
    let path = "config.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp";
    assert_eq!(s.unknowns[0].0, path);
    let word = |c: &serde_json::Value| {
        c["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"].clone()
    };
    assert_eq!(word(&s.resource.config), "DISABLED");
    assert_eq!(word(&s.other.as_ref().unwrap().config), "ENABLED");
}
