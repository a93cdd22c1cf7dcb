//! Reading config files: every problem at once, each at its line.

use super::*;

fn problems(file: &str, text: &str) -> Vec<Problem> {
    match Config::parse(file, text) {
        Err(Error::Invalid(ps)) => ps,
        other => panic!("expected problems, got {other:?}"),
    }
}

#[test]
fn template_is_valid() {
    let c = Config::parse("template", TEMPLATE).unwrap();
    assert!(c.rules.bundled);
}

#[test]
fn reports_every_problem_with_its_line() {
    let text = "[storage]\npath = 3\n\n[collectors.aws]\nregions = [\"us-east-1\", \"mars\"]\nmax_concurrency = 0\ncolour = \"red\"\n\n[rules.params]\nidle_hours = \"soon\"\n\n[scan]\nfail_on = \"urgent\"\n";
    let problems = problems("vigil.toml", text);
    let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![2, 5, 6, 7, 10, 13], "{problems:#?}");
    assert!(problems[3].message.contains("colour"));
    assert!(problems[5].message.contains("urgent"));
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`storage.path`: invalid type: integer `3`, expected path string",
            "`collectors.aws.regions`: `mars` is not an AWS region name (like us-east-1)",
            "`collectors.aws.max_concurrency`: must be a positive integer",
            "unknown key `collectors.aws.colour` (known here: regions, profile, endpoint_url, services, max_concurrency, max_attempts, max_accounts_in_flight, source, aggregator, aggregator_region, max_item_age_hours, organization, accounts, targets)",
            "`rules.params.idle_hours`: must be a positive integer",
            "`scan.fail_on`: unknown severity `urgent` (expected one of: critical, high, medium, low, info)",
        ],
    );
}

#[test]
fn syntax_error_has_a_line() {
    let problems = problems("v.toml", "[scan]\nfail_on = \n");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, 2, "{problems:?}");
}

#[test]
fn schedules_and_daemon_keys_are_checked() {
    let text = "[daemon]\nlisten = \"localhost\"\nprune_schedule = \"daily\"\nbogus = 1\n\n[[schedules]]\ntarget = \"gcp\"\ncron = \"0 0 * * * *\"\n\n[[schedules]]\ncron = \"0 0 * * *\"\n";
    let problems = problems("vigil.toml", text);
    let got: Vec<(usize, &str)> = problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert_eq!(got.len(), 6, "{problems:#?}");
    assert_eq!(got[0].0, 2);
    assert!(got[0]
        .1
        .starts_with("`daemon.listen`: `localhost` is not an address"));
    assert_eq!(got[1].0, 3);
    assert!(got[1].1.starts_with("`daemon.prune_schedule`: `daily`"));
    assert_eq!(got[2].0, 4);
    assert!(got[2]
        .1
        .starts_with("unknown key `daemon.bogus` (known here: listen,"));
    assert_eq!(
        got[3],
        (
            7,
            "`schedules[1].target`: unknown target `gcp` (known: aws, kubernetes)"
        )
    );
    assert_eq!(got[4].0, 10, "{problems:#?}");
    assert_eq!(got[4].1, "`schedules[2]`: `target` is missing");
    assert_eq!(got[5].0, 11);
    assert!(got[5].1.starts_with("`schedules[2].cron`: `0 0 * * *`:"));
}

#[test]
fn params_override_defaults() {
    let c = Config::parse(
        "c",
        "[rules.params]\nrequired_tags = [\"team\"]\ncustom = 5\n",
    )
    .unwrap();
    let p = c.params();
    assert_eq!(p["required_tags"], serde_json::json!(["team"]));
    assert_eq!(p["idle_hours"], serde_json::json!(72));
    assert_eq!(p["custom"], serde_json::json!(5));
}

#[test]
fn cluster_entries_are_checked_one_by_one() {
    let text = "[collectors.kubernetes]\npage_size = 100\n\n[[collectors.kubernetes.clusters]]\nname = \"prod\"\ncontext = \"prod-admin\"\n\n[[collectors.kubernetes.clusters]] # the second\nname = \"prod\"\nkinds = [\"Pod\", \"Secret\"]\nzone = 3\nnamespaces = [\"*\"]\n";
    let problems = problems("vigil.toml", text);
    let got: Vec<(usize, bool)> = problems
        .iter()
        .map(|p| {
            let m = &p.message;
            let entry = "collectors.kubernetes.clusters[2]";
            (
                p.line,
                m.starts_with(&format!("`{entry}")) || m.contains(entry),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![(9, true), (10, true), (11, true), (12, true)],
        "{problems:#?}"
    );
    assert!(problems[0].message.contains("already named `prod`"));
    assert!(problems[1].message.contains("unknown kind `Secret`"));
    assert!(problems[2].message.contains("zone"));
    assert!(problems[3]
        .message
        .contains("`*` is not a Kubernetes namespace"));
    let ok = Config::parse(
        "c",
        "[[collectors.kubernetes.clusters]]\ncontext = \"kind-dev\"\nnamespaces = [\"shop\"]\n",
    )
    .unwrap();
    assert_eq!(
        ok.collectors.kubernetes.clusters[0].namespaces,
        vec!["shop"]
    );
    assert_eq!(ok.collectors.kubernetes.page_size, 500);
}

#[test]
fn plan_keys_are_checked_where_they_are() {
    let text = "[plans]\napply = \"always\"\napproval_ttl_hours = 0\n\n[approvers]\ntotp_file = \"/etc/vigil/totp.toml\"\nmax_failures = 0\n\n[remediation.aws]\nprofile = \"fix\"\nrole = \"x\"\n";
    let messages: Vec<String> = problems("vigil.toml", text)
        .iter()
        .map(|p| format!("{}: {}", p.line, p.message))
        .collect();
    assert_eq!(
        messages,
        [
            "2: `plans.apply`: unknown apply mode `always` (known: manual, on-approval)",
            "3: `plans.approval_ttl_hours`: must be a positive integer",
            "7: `approvers.max_failures`: must be a positive integer",
            "11: unknown key `remediation.aws.role` (known here: profile, role_arn, endpoint_url)",
        ]
    );
    let c = Config::parse(
        "t",
        "[plans]\napply = \"on-approval\"\nprod_approvals_required = 3\n",
    )
    .unwrap();
    assert_eq!(c.plans.apply, "on-approval");
    assert_eq!(c.plans.prod_approvals_required, 3);
    assert_eq!(
        c.plans.auto_propose, None,
        "the rules METADATA marks `idle: reap`, by default"
    );
    assert!(
        !c.remediation.aws.is_set(),
        "no remediation credentials unless named"
    );
}

#[test]
fn llm_and_notify_keys_are_checked_where_they_are() {
    let text = "[llm]\nprovider = \"openai\"\napi_key_env = \"K\"\napi_key_file = \"/k\"\n\n[notify]\nplan_proposed = [\"not an address\"]\nreaping = [\"ops@example.com\"]\n";
    let messages: Vec<String> = problems("vigil.toml", text)
        .iter()
        .map(|p| format!("{}: {}", p.line, p.message))
        .collect();
    assert_eq!(
        messages,
        [
            "2: `llm.provider = \"openai\"` needs `llm.model`",
            "4: `llm`: set `api_key_env` or `api_key_file`, not both",
            "7: `notify.plan_proposed`: `not an address` is not a mail address",
            "8: `notify.reaping` names recipients, but there is no `[notify.smtp]` to send through",
        ]
    );
    let messages: Vec<String> = problems(
        "vigil.toml",
        "[llm]\nprovider = \"gemini\"\n\n[notify.smtp]\nhost = \"h\"\nfrom = \"vigil@example.com\"\ntls = \"ssl\"\nusername_env = \"U\"\n",
    )
    .iter()
    .map(|p| format!("{}: {}", p.line, p.message))
    .collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(
        messages[0].starts_with("2: `llm.provider`: unknown variant `gemini`"),
        "{messages:#?}"
    );
    assert!(
        messages[1].starts_with("7: `notify.smtp.tls`: unknown variant `ssl`"),
        "{messages:#?}"
    );
    assert!(
        messages[2].starts_with("8: `notify.smtp`: a login needs both"),
        "{messages:#?}"
    );
    let c = Config::parse(
        "t",
        "[llm]\nprovider = \"bedrock\"\nmodel = \"m\"\n\n[notify.smtp]\nhost = \"h\"\nfrom = \"vigil <v@example.com>\"\ntls = \"tls\"\n",
    )
    .unwrap();
    assert_eq!(c.llm.provider, super::LlmProvider::Bedrock);
    assert_eq!(c.notify.smtp.unwrap().port(), 465);
}

#[test]
fn posture_declarations_are_checked_at_their_lines() {
    let text = "[posture]\nbaseline = \"extreme\"\n\n[[posture.controls]]\nid = \"AC-99\"\nstatus = \"maybe\"\nowner = \"a\"\nreason = \"r\"\nexpires = \"someday\"\n\n[[posture.controls]]\nid = \"xx-*\"\nstatus = \"inherited\"\nowner = \"a\"\nreason = \"r\"\nexpires = \"2027-01-01\"\n";
    let problems = problems("vigil.toml", text);
    let got: Vec<(usize, &str)> = problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (2, "`posture.baseline`: unknown baseline `extreme` (known: low, moderate, high)"),
            (5, "`posture.controls[1].id`: `AC-99` is not a NIST SP 800-53 Rev. 5 control (like AC-2, AC-2(1) or pe-*)"),
            (6, "`posture.controls[1].status`: unknown status `maybe` (known: not-applicable, inherited, satisfied, not-satisfied)"),
            (9, "`posture.controls[1].expires`: `someday` is not a date (2027-09-30) or an RFC 3339 time"),
            (12, "`posture.controls[2].id`: `xx-*`: no control family `xx`"),
        ],
        "{problems:#?}"
    );
    let ok = Config::parse("v.toml", "[posture]\nbaseline = \"high\"\n[[posture.controls]]\nid = \"AC-2(1)\"\nstatus = \"satisfied\"\nowner = \"o\"\nreason = \"r\"\nexpires = \"2027-01-01\"\n").unwrap();
    assert_eq!(ok.posture.level(), crate::controls::Level::High);
    assert!(ok.posture.controls[0].expires_at().is_some());
}

#[test]
fn scheduled_reports_are_checked_at_their_lines() {
    let text = "[[reports]]\nname = \"bad name\"\ncron = \"every day\"\nformats = [\"pdf\"]\n\n[[reports]]\ncron = \"0 0 6 * * *\"\nupload = \"http://x\"\nmail_to = [\"ciso@example.com\"]\n";
    let problems = problems("vigil.toml", text);
    let got: Vec<(usize, &str)> = problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert!(
        got.contains(&(
            2,
            "`reports[1].name`: `bad name`: a report's name is letters, digits, `-` and `_`"
        )),
        "{got:#?}"
    );
    assert!(
        got.iter()
            .any(|(l, m)| *l == 3 && m.starts_with("`reports[1].cron`:")),
        "{got:#?}"
    );
    assert!(
        got.iter()
            .any(|(l, m)| *l == 4 && m.contains("unknown variant `pdf`")),
        "{got:#?}"
    );
    assert!(
        got.contains(&(
            8,
            "`reports[2]`: `http://x` is not an s3://bucket/prefix URL"
        )),
        "{got:#?}"
    );
    assert!(
        got.contains(&(9, "`reports[2]`: `mail_to` needs [notify.smtp]")),
        "{got:#?}"
    );
    assert!(
        got.iter()
            .any(|(_, m)| m.contains("no `formats` and no `pack`")),
        "{got:#?}"
    );
    let ok = Config::parse("v.toml", "[[reports]]\ncron = \"0 0 6 1 * *\"\nformats = [\"html\", \"oscal-ar\"]\npack = true\ndirectory = \"/tmp/r\"\nupload = \"s3://b/p\"\n").unwrap();
    assert_eq!(ok.reports[0].name, "posture");
    assert!(ok.reports[0].pack);
}

#[test]
fn named_targets_are_unique_and_schedules_name_one() {
    let text = "[[collectors.aws.targets]]\nname = \"prod\"\nprofile = \"p\"\n\n[[collectors.aws.targets]]\nname = \"prod\"\n\n[[collectors.aws.targets]]\nregions = [\"eu-west-1\"]\n\n[[collectors.kubernetes.clusters]]\nname = \"aws\"\n\n[[schedules]]\ntarget = \"prod\"\ncron = \"0 0 * * * *\"\n\n[[schedules]]\ntarget = \"staging\"\ncron = \"0 0 * * * *\"\n";
    let got: Vec<(usize, String)> = problems("vigil.toml", text)
        .into_iter()
        .map(|p| (p.line, p.message))
        .collect();
    assert_eq!(
        got,
        [
            (6, "`collectors.aws.targets[2]`: the target name `prod` is taken (by `aws`, `kubernetes` or another target); set a distinct `name`".to_string()),
            (8, "`collectors.aws.targets[3]`: `name` is missing".to_string()),
            (12, "`collectors.kubernetes.clusters[1]`: the target name `aws` is taken (by `aws`, `kubernetes` or an AWS target); set a distinct `name`".to_string()),
            (19, "`schedules[2].target`: unknown target `staging` (known: aws, kubernetes, prod)".to_string()),
        ]
    );
}

#[test]
fn named_targets_keep_their_overrides() {
    let text = "[collectors.aws]\nregions = [\"us-east-1\"]\n\n[[collectors.aws.targets]]\nname = \"prod\"\nprofile = \"prod-audit\"\nregions = [\"eu-west-1\"]\n\n[[collectors.kubernetes.clusters]]\ncontext = \"arn:aws:eks:us-east-1:123456789012:cluster/shop\"\n\n[[schedules]]\ntarget = \"shop\"\ncron = \"0 0 * * * *\"\n\n[[schedules]]\ntarget = \"k8s\"\ncron = \"0 0 * * * *\"\n";
    let c = Config::parse("vigil.toml", text).unwrap();
    assert_eq!(c.target_names(), ["aws", "kubernetes", "prod", "shop"]);
    assert_eq!(c.collectors.aws.targets[0].regions, ["eu-west-1"]);
    assert_eq!(
        c.collectors.aws.targets[0].profile.as_deref(),
        Some("prod-audit")
    );
}

#[test]
fn an_aggregator_source_names_its_aggregator() {
    let messages = |text: &str| -> Vec<String> {
        problems("vigil.toml", text)
            .iter()
            .map(|p| format!("{}: {}", p.line, p.message))
            .collect()
    };
    assert_eq!(
        messages("[collectors.aws]\nregions = [\"us-east-1\"]\nsource = \"config-aggregator\"\n"),
        ["3: `collectors.aws.source = \"config-aggregator\"` needs `aggregator = \"NAME\"`, the AWS Config aggregator to read"]
    );
    assert_eq!(
        messages("[collectors.aws]\nsource = \"config\"\naggregator = \"org\"\n"),
        ["3: `collectors.aws.aggregator` is read only with `source = \"config-aggregator\"`"]
    );
    let c = Config::parse(
        "t",
        "[collectors.aws]\nsource = \"config-aggregator\"\naggregator = \"org\"\naggregator_region = \"eu-west-1\"\n",
    )
    .unwrap();
    assert_eq!(c.collectors.aws.source, AwsSource::ConfigAggregator);
    assert_eq!(
        c.collectors.aws.aggregator_region.as_deref(),
        Some("eu-west-1")
    );
}
