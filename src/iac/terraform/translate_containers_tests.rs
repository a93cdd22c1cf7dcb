use serde_json::{json, Value};

use crate::iac::terraform::testing::{config, failing, load, plan, verdicts, Verdict};
use crate::redact::REDACTED;

/// A reference written in the configuration to `address`'s `attr`.
fn to(address: &str, attr: &str) -> Value {
    json!({"references": [format!("{address}.{attr}"), address]})
}

/// `container_definitions` as `jsonencode` leaves it in the plan: JSON text.
fn definitions(containers: Value) -> Value {
    Value::String(containers.to_string())
}

/// A Fargate service with a public IP on a cluster with Container Insights, its task
/// definition of two containers; a private service on a cluster without settings; a task
/// definition whose containers wait for a database's address.
fn ecs() -> Value {
    let app = json!([
        {"name": "app", "image": "public.ecr.aws/nginx/nginx:1.27", "essential": true,
         "readonlyRootFilesystem": false, "user": "1000",
         "portMappings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}],
         "environment": [{"name": "LOG_LEVEL", "value": "info"},
                         {"name": "DB_PASSWORD", "value": "hunter2"}, {"name": "EMPTY", "value": ""}],
         "secrets": [{"name": "API_KEY", "valueFrom": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:api"}],
         "logConfiguration": {"logDriver": "awslogs",
             "options": {"awslogs-group": "/ecs/web", "awslogs-region": "eu-west-1",
                         "awslogs-stream-prefix": "app"}}},
        {"name": "agent", "image": "datadog/agent:7", "essential": false, "privileged": true,
         "dockerLabels": {"com.example.team": "ops"}},
    ]);
    let worker = json!([{"name": "worker", "image": "busybox", "readonlyRootFilesystem": true,
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/w"}}}]);
    let network = |public: bool| {
        json!([{"assign_public_ip": public, "subnets": ["subnet-0a1b2c"],
                "security_groups": ["sg-0abc"]}])
    };
    let service = |name: &str, cluster: &str, public: bool| {
        json!({"address": format!("aws_ecs_service.{name}"), "type": "aws_ecs_service",
         "after": {"name": name, "launch_type": "FARGATE", "desired_count": 2,
                   "enable_execute_command": false, "scheduling_strategy": "REPLICA",
                   "network_configuration": network(public), "load_balancer": [],
                   "capacity_provider_strategy": [], "tags": null},
         "after_unknown": {"id": true, "cluster": true, "task_definition": true,
                           "platform_version": true, "iam_role": true, "tags_all": true},
         "expressions": {"cluster": to(&format!("aws_ecs_cluster.{cluster}"), "id"),
                         "task_definition": to("aws_ecs_task_definition.app", "arn")}})
    };
    json!([
        {"address": "aws_ecs_cluster.main", "type": "aws_ecs_cluster",
         "after": {"name": "prod", "setting": [{"name": "containerInsights", "value": "enabled"}],
                   "configuration": [], "service_connect_defaults": [],
                   "tags": {"team": "web"}, "tags_all": {"team": "web"}},
         "after_unknown": {"arn": true, "id": true}},
        {"address": "aws_ecs_cluster.bare", "type": "aws_ecs_cluster",
         "after": {"name": "batch", "configuration": [], "service_connect_defaults": [],
                   "tags": null},
         "after_unknown": {"arn": true, "id": true, "setting": true, "tags_all": true}},
        {"address": "aws_ecs_cluster_capacity_providers.main",
         "type": "aws_ecs_cluster_capacity_providers",
         "after": {"cluster_name": "prod", "capacity_providers": ["FARGATE"],
                   "default_capacity_provider_strategy": []},
         "after_unknown": {"id": true}},
        {"address": "aws_ecs_task_definition.app", "type": "aws_ecs_task_definition",
         "after": {"family": "web", "container_definitions": definitions(app),
                   "network_mode": "awsvpc", "requires_compatibilities": ["FARGATE"],
                   "cpu": "256", "memory": "512", "pid_mode": null, "ipc_mode": null,
                   "task_role_arn": null, "volume": [], "skip_destroy": false, "tags": null},
         "after_unknown": {"arn": true, "arn_without_revision": true, "id": true,
                           "revision": true, "execution_role_arn": true, "tags_all": true},
         "expressions": {"execution_role_arn": to("aws_iam_role.exec", "arn")}},
        {"address": "aws_ecs_task_definition.worker", "type": "aws_ecs_task_definition",
         "after": {"family": "worker", "container_definitions": definitions(worker),
                   "pid_mode": "host", "requires_compatibilities": ["EC2"], "tags": null},
         "after_unknown": {"arn": true, "id": true, "revision": true, "network_mode": true}},
        {"address": "aws_ecs_task_definition.db_client", "type": "aws_ecs_task_definition",
         "after": {"family": "db-client", "network_mode": "awsvpc",
                   "requires_compatibilities": ["FARGATE"], "tags": null},
         "after_unknown": {"arn": true, "id": true, "revision": true,
                           "container_definitions": true},
         "expressions": {"container_definitions": to("aws_db_instance.main", "address")}},
        service("web", "main", true),
        service("private", "bare", false),
    ])
}

#[test]
fn ecs_clusters_task_definitions_and_services_read_as_live() {
    let loaded = load(&plan(ecs(), None));
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert!(loaded.unsupported.is_empty(), "{:?}", loaded.unsupported);
    assert_eq!(loaded.joined, 1, "the capacity providers");
    let main = config(&loaded, "aws_ecs_cluster.main");
    assert_eq!(main["ClusterName"], "prod");
    assert_eq!(
        main["Settings"],
        json!([{"Name": "containerInsights", "Value": "enabled"}])
    );
    let bare = config(&loaded, "aws_ecs_cluster.bare");
    assert_eq!(bare["Settings"], json!([]), "left to the account: off");

    let t = config(&loaded, "aws_ecs_task_definition.app");
    assert_eq!(t["Family"], "web");
    assert_eq!(t["NetworkMode"], "awsvpc");
    assert_eq!(t["ExecutionRoleArn"], "${aws_iam_role/exec.arn}");
    let app = &t["ContainerDefinitions"][0];
    assert_eq!(app["Name"], "app");
    assert_eq!(app["ReadonlyRootFilesystem"], false);
    assert_eq!(
        app["Environment"],
        json!([{"Name": "LOG_LEVEL", "Value": REDACTED}, {"Name": "DB_PASSWORD", "Value": REDACTED},
               {"Name": "EMPTY", "Value": ""}])
    );
    assert!(!t.to_string().contains("hunter2"));
    assert_eq!(
        app["LogConfiguration"]["Options"]["awslogs-stream-prefix"], "app",
        "the options' own keys kept"
    );
    assert_eq!(
        app["Secrets"][0]["ValueFrom"]
            .as_str()
            .map(|s| s.starts_with("arn:")),
        Some(true)
    );
    let agent = &t["ContainerDefinitions"][1];
    assert_eq!(agent["Privileged"], true);
    assert_eq!(agent["Essential"], false);
    let worker = config(&loaded, "aws_ecs_task_definition.worker");
    assert!(worker.get("NetworkMode").is_none(), "left to AWS");
    assert_eq!(worker["PidMode"], "host");

    let web = config(&loaded, "aws_ecs_service.web");
    assert_eq!(web["ServiceName"], "web");
    assert_eq!(web["ClusterArn"], "${aws_ecs_cluster/main.Arn}");
    assert_eq!(web["TaskDefinition"], "${aws_ecs_task_definition/app}");
    assert_eq!(web["DesiredCount"], 2);
    assert_eq!(web["PlatformVersion"], "LATEST");
    assert_eq!(
        web["NetworkConfiguration"],
        json!({"AwsvpcConfiguration": {"AssignPublicIp": "ENABLED", "Subnets": ["subnet-0a1b2c"],
               "SecurityGroups": ["sg-0abc"]}})
    );
    let private = config(&loaded, "aws_ecs_service.private");
    assert_eq!(
        private["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"],
        "DISABLED"
    );
    assert_eq!(private["ClusterArn"], "${aws_ecs_cluster/bare.Arn}");
}

#[test]
fn containers_known_only_after_apply_are_one_open_container() {
    let loaded = load(&plan(ecs(), None));
    let address = "aws_ecs_task_definition.db_client";
    let pass = &config(&loaded, address)["ContainerDefinitions"][0];
    let fail = &failing(&loaded, address).expect("unknowns")["ContainerDefinitions"][0];
    assert_eq!(
        (
            &pass["ReadonlyRootFilesystem"],
            &fail["ReadonlyRootFilesystem"]
        ),
        (&json!(true), &json!(false))
    );
    assert_eq!(
        pass["LogConfiguration"]["LogDriver"],
        crate::iac::cfn::documents::UNKNOWN_TEXT
    );
    assert!(fail["LogConfiguration"].get("LogDriver").is_none());
}

/// A public cluster logging two of the three required types, with a node group open to SSH
/// (by name) and one whose SSH is limited; a private cluster that encrypts secrets with a key
/// made in the plan.
fn eks() -> Value {
    let vpc = |public: bool, cidrs: Value| {
        json!([{"endpoint_private_access": !public, "endpoint_public_access": public,
                "public_access_cidrs": cidrs, "subnet_ids": ["subnet-1", "subnet-2"],
                "security_group_ids": []}])
    };
    json!([
        {"address": "aws_eks_cluster.main", "type": "aws_eks_cluster",
         "after": {"name": "prod", "version": "1.21", "vpc_config": vpc(true, Value::Null),
                   "enabled_cluster_log_types": ["api", "audit"], "encryption_config": [],
                   "upgrade_policy": [{"support_type": "STANDARD"}],
                   "bootstrap_self_managed_addons": true, "tags": null},
         "after_unknown": {"arn": true, "id": true, "endpoint": true, "role_arn": true,
                           "certificate_authority": true, "identity": true, "status": true,
                           "platform_version": true, "created_at": true, "tags_all": true,
                           "vpc_config": [{"cluster_security_group_id": true, "vpc_id": true,
                                           "public_access_cidrs": true}]},
         "expressions": {"role_arn": to("aws_iam_role.cluster", "arn")}},
        {"address": "aws_eks_node_group.workers", "type": "aws_eks_node_group",
         "after": {"cluster_name": "prod", "node_group_name": "workers",
                   "capacity_type": "ON_DEMAND", "instance_types": ["m5.large"],
                   "remote_access": [{"ec2_ssh_key": "ops", "source_security_group_ids": null}],
                   "launch_template": [], "scaling_config": [{"desired_size": 2, "max_size": 3,
                   "min_size": 1}], "tags": null},
         "after_unknown": {"id": true, "arn": true, "status": true, "resources": true,
                           "version": true, "release_version": true, "ami_type": true,
                           "node_role_arn": true, "subnet_ids": true}},
        {"address": "aws_eks_node_group.locked", "type": "aws_eks_node_group",
         "after": {"node_group_name": "locked", "remote_access": [{"ec2_ssh_key": "ops"}],
                   "launch_template": [{"name": "lt", "version": "3"}], "tags": null},
         "after_unknown": {"id": true, "cluster_name": true, "ami_type": true,
                           "remote_access": [{"source_security_group_ids": true}]},
         "expressions": {"cluster_name": to("aws_eks_cluster.main", "name"),
                         "remote_access": [{"source_security_group_ids":
                             to("aws_security_group.bastion", "id")}]}},
        {"address": "aws_eks_cluster.private", "type": "aws_eks_cluster",
         "after": {"name": "internal",
                   "vpc_config": vpc(false, json!(["10.0.0.0/8"])),
                   "enabled_cluster_log_types": ["api", "audit", "authenticator"],
                   "encryption_config": [{"resources": ["secrets"], "provider": [{}]}],
                   "upgrade_policy": [], "tags": null},
         "after_unknown": {"arn": true, "id": true, "role_arn": true, "version": true,
                           "encryption_config": [{"provider": [{"key_arn": true}]}]},
         "expressions": {"encryption_config": [{"provider": [{"key_arn":
             to("aws_kms_key.eks", "arn")}]}]}},
        {"address": "aws_kms_key.eks", "type": "aws_kms_key",
         "after": {"enable_key_rotation": true}, "after_unknown": {"arn": true, "id": true}},
    ])
}

#[test]
fn eks_clusters_have_their_settings_and_node_groups() {
    let loaded = load(&plan(eks(), None));
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert!(loaded.unsupported.is_empty(), "{:?}", loaded.unsupported);
    assert_eq!(loaded.joined, 2, "the node groups");
    let c = config(&loaded, "aws_eks_cluster.main");
    assert_eq!(c["Name"], "prod");
    assert_eq!(c["Version"], "1.21");
    assert_eq!(c["RoleArn"], "${aws_iam_role/cluster.arn}");
    assert_eq!(c["UpgradePolicy"], json!({"SupportType": "STANDARD"}));
    let vpc = &c["ResourcesVpcConfig"];
    assert_eq!(vpc["EndpointPublicAccess"], true);
    assert_eq!(
        vpc["PublicAccessCidrs"],
        json!(["0.0.0.0/0"]),
        "left to EKS"
    );
    assert_eq!(vpc["SubnetIds"], json!(["subnet-1", "subnet-2"]));
    assert_eq!(
        c["Logging"]["ClusterLogging"][0],
        json!({"Types": ["api", "audit"], "Enabled": true})
    );
    assert_eq!(c["EncryptionConfig"], json!([]));
    let groups = c["Nodegroups"].as_array().unwrap();
    let group = |n: &str| groups.iter().find(|g| g["NodegroupName"] == n).unwrap();
    assert_eq!(
        group("workers")["RemoteAccess"],
        json!({"Ec2SshKey": "ops", "SourceSecurityGroups": []})
    );
    assert_eq!(group("workers")["CapacityType"], "ON_DEMAND");
    assert_eq!(group("workers")["Version"], "1.21", "the cluster's");
    let locked = group("locked");
    assert_eq!(
        locked["RemoteAccess"]["SourceSecurityGroups"],
        json!(["${aws_security_group/bastion.id}"])
    );
    assert_eq!(
        locked["LaunchTemplate"],
        json!({"Name": "lt", "Version": "3"})
    );

    let p = config(&loaded, "aws_eks_cluster.private");
    assert_eq!(p["ResourcesVpcConfig"]["EndpointPublicAccess"], false);
    assert_eq!(p["ResourcesVpcConfig"]["EndpointPrivateAccess"], true);
    assert_eq!(
        p["EncryptionConfig"],
        json!([{"Resources": ["secrets"], "Provider": {"KeyArn": "${aws_kms_key/eks.arn}"}}])
    );
    assert!(p.get("Version").is_none(), "EKS's default version");
    assert_eq!(p["Nodegroups"], json!([]));
}

#[test]
fn the_container_rules_find_what_apply_would_make() {
    let mut resources = ecs().as_array().cloned().unwrap_or_default();
    resources.extend(eks().as_array().cloned().unwrap_or_default());
    let (fail, open) = verdicts(Value::Array(resources));
    let fails = |rule: &str, address: &str| fail.contains(&(rule.into(), address.into()));
    let opens = |rule: &str, address: &str| open.contains(&(rule.into(), address.into()));
    let (app, worker) = (
        "aws_ecs_task_definition.app",
        "aws_ecs_task_definition.worker",
    );
    assert!(
        fails("ECS-AWS-001", app),
        "the agent is privileged: {fail:?}"
    );
    assert!(!fails("ECS-AWS-001", worker));
    assert!(fails("ECS-AWS-002", app), "writable root filesystems");
    assert!(!fails("ECS-AWS-002", worker));
    assert!(fails("ECS-AWS-004", app), "the agent has no log driver");
    assert!(!fails("ECS-AWS-004", worker));
    assert!(fails("SEC-AWS-002", app), "DB_PASSWORD in plain text");
    assert!(fails("ECS-AWS-007", worker), "pid_mode host");
    assert!(!fails("ECS-AWS-007", app));
    assert!(fails("ECS-AWS-005", "aws_ecs_service.web"), "a public IP");
    assert!(!fails("ECS-AWS-005", "aws_ecs_service.private"));
    assert!(fails("ECS-AWS-006", "aws_ecs_cluster.bare"));
    assert!(!fails("ECS-AWS-006", "aws_ecs_cluster.main"));
    let db = "aws_ecs_task_definition.db_client";
    for rule in ["ECS-AWS-001", "ECS-AWS-002", "ECS-AWS-004"] {
        assert!(opens(rule, db), "{rule} waits for the containers: {open:?}");
        assert!(!fails(rule, db), "{rule}");
    }

    let (main, private) = ("aws_eks_cluster.main", "aws_eks_cluster.private");
    assert!(
        fails("NET-AWS-007", main),
        "public to 0.0.0.0/0 by EKS's default"
    );
    assert!(!fails("NET-AWS-007", private));
    assert!(fails("LOG-AWS-008", main), "authenticator is off");
    assert!(!fails("LOG-AWS-008", private));
    assert!(fails("EKS-AWS-001", main), "no secrets encryption");
    assert!(!fails("EKS-AWS-001", private), "a key made in the plan");
    assert!(fails("EKS-AWS-002", main), "1.21 is long out of support");
    assert!(!fails("EKS-AWS-002", private));
    assert!(fails("EKS-AWS-003", main), "workers: SSH from anywhere");
    assert!(!fails("EKS-AWS-003", private));
    let eks_open = |a: &&Verdict| a.1.starts_with("aws_eks");
    assert_eq!(open.iter().find(eks_open), None, "nothing about EKS waits");
}
