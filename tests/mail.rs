//! Mail against a real SMTP server (aiosmtpd, `smtpd.rs`): `vigil notify test` over each TLS
//! mode, the daemon's proposal, decision and digest mails, the outbox when the server is
//! down, and who gets what.

use std::time::{Duration, Instant};

use crate::common::*;
use crate::daemon::{json as parse, metric, post, scan_now};
use crate::plans_aws::totp_code;
use crate::plans_daemon::{start_with, wait_plan};
use crate::smtpd::{Smtpd, Tls};

fn notify_test(config: &str, to: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vigil.toml");
    std::fs::write(&path, config).unwrap();
    vigil(&[
        "notify",
        "test",
        "--to",
        to,
        "--config",
        path.to_str().unwrap(),
    ])
}

#[test]
fn notify_test_sends_with_starttls_or_implicit_tls_and_says_what_the_server_answered() {
    for (tls, name) in [
        (Tls::Starttls, "starttls"),
        (Tls::Implicit, "tls"),
        (Tls::None, "none"),
    ] {
        let s = Smtpd::start(tls);
        let out = notify_test(&s.config(name), "ops@example.com");
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let said = stdout(&out);
        assert!(
            said.contains("accepted the mail for ops@example.com: 250"),
            "{name}: {said}"
        );
        let m = s.wait_for(1);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0]["to"], serde_json::json!(["ops@example.com"]), "{name}");
        assert_eq!(m[0]["headers"]["Subject"], "[vigil] test mail");
        assert_eq!(m[0]["headers"]["Auto-Submitted"], "auto-generated");
        assert!(m[0]["text"]
            .as_str()
            .unwrap()
            .contains("[notify.smtp] works"));
        assert!(m[0]["html"]
            .as_str()
            .unwrap()
            .contains("<code>[notify.smtp]</code>"));
    }
    // STARTTLS is required: a server that does not offer it gets nothing.
    let plain = Smtpd::start(Tls::None);
    let out = notify_test(&plain.config("starttls"), "ops@example.com");
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "127.0.0.1:{} did not take the mail for ops@example.com",
            plain.port
        )),
        "{err}"
    );
    assert!(plain.messages().is_empty());
    // A certificate the config does not trust is refused too.
    let tls = Smtpd::start(Tls::Starttls);
    let untrusted = tls
        .config("starttls")
        .replace(&format!("ca_file = \"{}\"\n", tls.cert().display()), "");
    let out = notify_test(&untrusted, "ops@example.com");
    assert_eq!(out.status.code(), Some(2));
    assert!(tls.messages().is_empty());
    // A login is never sent in the clear.
    let login = format!(
        "{}username_env = \"U\"\npassword_env = \"P\"\n",
        plain.config("none")
    );
    let out = notify_test(&login, "ops@example.com");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("a login is never sent without TLS"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_login_comes_from_the_environment_or_a_file_and_a_wrong_one_is_refused() {
    use crate::smtpd::LOGIN;
    let s = Smtpd::start(Tls::Login);
    let dir = tempfile::tempdir().unwrap();
    let run = |extra: &str, env: &[(&str, &str)]| {
        let path = dir.path().join("vigil.toml");
        std::fs::write(&path, format!("{}{extra}", s.config("starttls"))).unwrap();
        vigil_env(
            &[
                "notify",
                "test",
                "--to",
                "ops@example.com",
                "--config",
                path.to_str().unwrap(),
            ],
            env,
        )
    };
    // Without a login the server refuses the mail (AUTH required).
    let out = run("", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let env_login = "username_env = \"SMTP_USER\"\npassword_env = \"SMTP_PASSWORD\"\n";
    let out = run(
        env_login,
        &[("SMTP_USER", LOGIN.0), ("SMTP_PASSWORD", "wrong")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("535"),
        "the server's refusal is shown: {}",
        stderr(&out)
    );
    assert!(s.messages().is_empty());
    let out = run(
        env_login,
        &[("SMTP_USER", LOGIN.0), ("SMTP_PASSWORD", LOGIN.1)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("accepted the mail for ops@example.com: 250"));
    std::fs::write(dir.path().join("password"), format!("{}\n", LOGIN.1)).unwrap();
    let file_login = format!(
        "username_env = \"SMTP_USER\"\npassword_file = \"{}\"\n",
        dir.path().join("password").display()
    );
    let out = run(&file_login, &[("SMTP_USER", LOGIN.0)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.wait_for(2).len(), 2);
    // A variable that is not set is named.
    let out = run(env_login, &[("SMTP_USER", LOGIN.0)]);
    assert!(
        stderr(&out).contains("password_env: SMTP_PASSWORD is not set"),
        "{}",
        stderr(&out)
    );
}

/// The daemon on a moto key whose tags carry markup and an owner address, mailing through
/// `smtp` (a `[notify.smtp]` table).
fn mailing_daemon(smtp: &str, owner: &str) -> crate::plans_daemon::Fixture {
    let extra = format!(
        "\n[notify]\nplan_proposed = [\"approvers@example.com\"]\nplan_decided = [\"platform@example.com\"]\nbase_url = \"https://vigil.example.com/\"\nowner_tag = \"owner-email\"\nowner_domains = [\"example.com\"]\nmax_attempts = 3\n\n{smtp}"
    );
    let estate = format!(
        "c('kms').create_key(Description='<script>alert(1)</script> no rotation', Tags=[{{'TagKey': 'owner-email', 'TagValue': '{owner}'}}, {{'TagKey': 'team', 'TagValue': '<b>payments</b>'}}])"
    );
    start_with(&extra, &estate)
}

#[test]
fn the_daemon_mails_approvers_a_proposal_with_its_calls_and_a_link_and_the_decision_after() {
    let s = Smtpd::start(Tls::Starttls);
    let f = mailing_daemon(&s.config("starttls"), "attacker@evil.example");
    scan_now(f.daemon.port, &f.operator, &f.viewer);
    let plan = wait_plan(&f, "proposed");
    let id = plan["id"].as_i64().unwrap();
    let mails = s.wait_for(1);
    let m = &mails[0];
    // To the configured approvers only: the owner tag's domain is not allowed.
    assert_eq!(
        m["to"],
        serde_json::json!(["approvers@example.com"]),
        "{m:#}"
    );
    let subject = m["headers"]["Subject"].as_str().unwrap();
    assert_eq!(
        subject,
        format!("[vigil] plan {id} awaits approval: 1 action(s) on 1 resource(s)")
    );
    assert_eq!(m["headers"]["X-Vigil-Plan"], id.to_string());
    let text = m["text"].as_str().unwrap();
    let target = plan["actions"][0]["target"].as_str().unwrap();
    let key_id = target.rsplit('/').next().unwrap();
    assert!(
        text.contains(&format!("kms:EnableKeyRotation KeyId={key_id}")),
        "{text}"
    );
    let f0 = &plan["findings"][0];
    let controls: Vec<&str> = f0["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        text.contains(&format!(
            "- #{} KMS-AWS-001 {} [{}] {target}",
            f0["id"],
            f0["severity"].as_str().unwrap(),
            controls.join(", ")
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "vigil plan approve {id} --hash {}",
            plan["hash"].as_str().unwrap()
        )),
        "{text}"
    );
    let link = text
        .lines()
        .find_map(|l| l.strip_prefix("Review and approve: "))
        .unwrap_or_else(|| panic!("no link: {text}"));
    assert!(
        link.starts_with(&format!("https://vigil.example.com/plans/{id}?t=")),
        "{link}"
    );
    assert_eq!(
        link.len() - link.find("?t=").unwrap() - 3,
        64,
        "a 256-bit token: {link}"
    );
    // The token is kept only as its hash.
    let token = &link[link.find("?t=").unwrap() + 3..];
    let db = std::fs::read(f.dir.path().join("vigil.db")).unwrap();
    assert!(
        !db.windows(token.len()).any(|w| w == token.as_bytes()),
        "the token itself is not stored"
    );
    let html = m["html"].as_str().unwrap();
    assert!(
        html.replace("&#x2f;", "/")
            .contains(&format!("<a href=\"{link}\">")),
        "{html}"
    );
    assert!(
        !html.contains("<script") && !html.contains("<b>payments"),
        "estate markup is escaped: {html}"
    );
    assert!(
        html.contains("team=&lt;b&gt;payments&lt;&#x2f;b&gt;"),
        "the tags are shown, escaped: {html}"
    );
    assert!(text.contains("team=<b>payments</b>"), "{text}");
    assert!(
        !html.contains("<img") && !html.contains("http://"),
        "no remote images: {html}"
    );

    // Approving mails the decision to plan_decided.
    let code = totp_code(&f.dir.path().join("totp.toml"), "bob", 0);
    let (st, body) = post(
        f.daemon.port,
        &format!("/api/v1/plans/{id}/approve"),
        Some(&f.bob),
        &format!(
            "{{\"hash\": \"{}\", \"totp\": \"{code}\"}}",
            plan["hash"].as_str().unwrap()
        ),
    );
    assert_eq!(st, 200, "{body}");
    let mails = s.wait_for(2);
    let m = mails
        .iter()
        .find(|m| {
            m["headers"]["Subject"]
                .as_str()
                .unwrap()
                .contains("was approved")
        })
        .unwrap();
    assert_eq!(m["to"], serde_json::json!(["platform@example.com"]));
    assert!(
        m["text"].as_str().unwrap().contains("approvals 1 of 1"),
        "{m:#}"
    );
    let metrics = f.daemon.metrics();
    assert_eq!(
        metric(&metrics, "vigil_mails_total{result=\"sent\"}"),
        Some(2.0),
        "{metrics}"
    );
}

#[test]
fn a_mail_server_that_is_down_blocks_nothing_and_the_mail_waits_in_the_outbox() {
    let port = free_port();
    let smtp = format!(
        "[notify.smtp]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nfrom = \"vigil@example.com\"\ntimeout_seconds = 2\n"
    );
    let f = mailing_daemon(&smtp, "owner@example.com");
    let scan = scan_now(f.daemon.port, &f.operator, &f.viewer);
    assert_eq!(scan["status"], "complete", "{scan:#}");
    let plan = wait_plan(&f, "proposed");
    let deadline = Instant::now() + Duration::from_secs(30);
    // The gauge is refreshed after a sending round, a moment after its retries are counted.
    let waiting = |m: &str| {
        metric(m, "vigil_mails_total{result=\"retry\"}").is_none()
            || metric(m, "vigil_mail_queued") != Some(2.0)
    };
    while waiting(&f.daemon.metrics()) {
        assert!(
            Instant::now() < deadline,
            "no retry counted with both mails queued:\n{}\n{}",
            f.daemon.metrics(),
            f.daemon.logs()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let metrics = f.daemon.metrics();
    assert_eq!(
        metric(&metrics, "vigil_mail_queued"),
        Some(2.0),
        "{metrics}"
    );
    // Both mails (the approvers', and the owner's, whose domain is allowed) are kept.
    let out = vigil(&[
        "notify",
        "outbox",
        "--db",
        f.dir.path().join("vigil.db").to_str().unwrap(),
    ]);
    let listed = stdout(&out);
    assert_eq!(
        listed
            .lines()
            .filter(|l| l.contains("queued") && l.contains("plan.proposed"))
            .count(),
        2,
        "{listed}"
    );
    assert!(
        listed.contains("to owner@example.com") && listed.contains("to approvers@example.com"),
        "{listed}"
    );
    assert!(
        listed.contains("Connection refused") || listed.contains("connection"),
        "{listed}"
    );
    assert_eq!(
        parse(
            &crate::daemon::get(
                f.daemon.port,
                &format!("/api/v1/plans/{}", plan["id"]),
                Some(&f.viewer)
            )
            .1
        )["state"],
        "proposed"
    );
}

#[test]
fn the_outbox_backs_off_and_gives_up_after_max_attempts_keeping_the_mail() {
    use chrono::{Duration as D, TimeZone, Utc};
    let dir = tempfile::tempdir().unwrap();
    let mut store = vigil::store::Store::open(&dir.path().join("vigil.db")).unwrap();
    let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
    let m = vigil::mail::test_mail("ops@example.com");
    let id = store.enqueue_mail(&m, t0).unwrap();
    assert_eq!(store.due_mail(t0).unwrap().len(), 1);
    assert_eq!(
        store
            .mail_attempted(id, Err("421 try later"), 3, t0)
            .unwrap(),
        "queued"
    );
    assert!(
        store.due_mail(t0 + D::seconds(29)).unwrap().is_empty(),
        "30 s first"
    );
    let t1 = t0 + D::seconds(30);
    assert_eq!(store.due_mail(t1).unwrap().len(), 1);
    assert_eq!(
        store
            .mail_attempted(id, Err("421 try later"), 3, t1)
            .unwrap(),
        "queued"
    );
    assert!(
        store.due_mail(t1 + D::seconds(59)).unwrap().is_empty(),
        "then 60 s"
    );
    let t2 = t1 + D::seconds(60);
    assert_eq!(
        store
            .mail_attempted(id, Err("550 no such user"), 3, t2)
            .unwrap(),
        "failed"
    );
    assert!(store.due_mail(t2 + D::days(1)).unwrap().is_empty());
    let kept = &store.outbox().unwrap()[0];
    assert_eq!((kept.state.as_str(), kept.attempts), ("failed", 3));
    assert_eq!(kept.last_error.as_deref(), Some("550 no such user"));
    assert_eq!(kept.mail, m, "the mail itself is kept whole");
    assert_eq!(store.mail_queued().unwrap(), 0);
}

#[test]
fn the_digest_goes_out_on_its_cron_with_what_changed_and_what_waits() {
    let s = Smtpd::start(Tls::None);
    let extra = format!(
        "\n[notify]\ndigest = {{ cron = \"*/2 * * * * *\", to = [\"security@example.com\"] }}\n\n{}",
        s.config("none")
    );
    let f = start_with(&extra, "c('kms').create_key(Description='no rotation')");
    scan_now(f.daemon.port, &f.operator, &f.viewer);
    wait_plan(&f, "proposed");
    // The first digest may predate the scan; wait for one that counts it.
    let deadline = Instant::now() + Duration::from_secs(30);
    let digest = loop {
        let found = s.messages().into_iter().rev().find(|m| {
            m["text"]
                .as_str()
                .is_some_and(|t| t.contains("Plans waiting (1)"))
        });
        if let Some(m) = found {
            break m;
        }
        assert!(
            Instant::now() < deadline,
            "no digest counting the plan:\n{:#?}",
            s.messages()
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    assert_eq!(digest["to"], serde_json::json!(["security@example.com"]));
    let subject = digest["headers"]["Subject"].as_str().unwrap();
    assert!(
        subject.starts_with("[vigil] digest: ") && subject.ends_with("1 plan(s) waiting"),
        "{subject}"
    );
    let text = digest["text"].as_str().unwrap();
    assert!(
        text.contains("- plan 1 proposed: 1 action(s), 1 finding(s)"),
        "{text}"
    );
    assert!(
        digest["html"]
            .as_str()
            .unwrap()
            .contains("<li>plan 1 proposed"),
        "{digest:#}"
    );
}

#[test]
fn recipients_come_from_the_config_and_only_allowed_owner_domains() {
    use chrono::Utc;
    use vigil::remediate::notify::Event;
    let dir = tempfile::tempdir().unwrap();
    let store = vigil::store::Store::open(&dir.path().join("vigil.db")).unwrap();
    let plan = |requester: &str| vigil::remediate::Plan {
        id: 4,
        state: vigil::remediate::PlanState::Proposed,
        hash: "h".into(),
        requester: requester.into(),
        created_at: "t".into(),
        updated_at: "t".into(),
        production: false,
        approvals_required: 1,
        expires_at: None,
        reason: None,
        scopes: vec![],
        summary: None,
        actions: vec![],
        findings: vec![],
        approvals: vec![],
        executions: vec![],
        summary_requests: vec![],
    };
    let n = vigil::config::Notify {
        plan_proposed: vec!["approvers@example.com".into()],
        plan_decided: vec!["platform@example.com".into()],
        owner_domains: vec!["example.com".into()],
        base_url: Some("https://vigil.example.com".into()),
        ..Default::default()
    };
    let to = |p: &vigil::remediate::Plan, e| vigil::mail::recipients(&store, &n, p, e);
    assert_eq!(
        to(&plan("alice@example.com"), Event::Proposed),
        ["approvers@example.com"]
    );
    assert_eq!(
        to(&plan("alice@example.com"), Event::Applied),
        ["platform@example.com", "alice@example.com"],
        "the requester hears of decisions when their domain is allowed"
    );
    assert_eq!(
        to(&plan("mallory@evil.example"), Event::Rejected),
        ["platform@example.com"]
    );
    assert_eq!(
        to(&plan("vigil:reaper"), Event::Verified),
        ["platform@example.com"]
    );
    // One proposal mail per recipient, each with its own link to the stored plan and hash.
    let (_d, mut store, stored) = crate::llm::stored_plan(&crate::llm::key(&[], "k"));
    let n2 = vigil::config::Notify {
        plan_proposed: vec!["a@example.com".into(), "b@example.com".into()],
        ..n.clone()
    };
    let mails =
        vigil::mail::plan_mails(&mut store, &n2, 24, &stored, Event::Proposed, Utc::now()).unwrap();
    assert_eq!(mails.len(), 2);
    let mut tokens = Vec::new();
    for (m, who) in mails.iter().zip(["a@example.com", "b@example.com"]) {
        assert_eq!(m.to, [who]);
        let token = m
            .text
            .split("?t=")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_string();
        let link = store.link(&token).unwrap().unwrap();
        assert_eq!(
            (link.plan, link.hash.as_str(), link.recipient.as_str()),
            (stored.id, stored.hash.as_str(), who)
        );
        tokens.push(token);
    }
    assert_ne!(tokens[0], tokens[1]);
    assert!(store.use_link(&tokens[0], Utc::now()).unwrap());
    assert!(
        !store.use_link(&tokens[0], Utc::now()).unwrap(),
        "a link is spent once"
    );
    // Reaping marks go to `reaping`, and nowhere without it.
    assert!(vigil::mail::reaping_mail(&store, &n, &stored, None).is_none());
    let n3 = vigil::config::Notify {
        reaping: vec!["finops@example.com".into()],
        ..n.clone()
    };
    let reap = vigil::mail::reaping_mail(&store, &n3, &stored, None).unwrap();
    assert_eq!(reap.to, ["finops@example.com"]);
    assert_eq!(
        reap.subject,
        format!(
            "[vigil] 1 resource(s) marked for reaping; plan {} awaits approval",
            stored.id
        )
    );
    assert!(reap.text.contains("kms:EnableKeyRotation"), "{}", reap.text);
}
