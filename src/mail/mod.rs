//! Mail: what vigil tells people about plans (proposed, to the approvers, with a link to the
//! approval page; approved, rejected, applied, failed, verified, to the requester and
//! `plan_decided`), resources marked for reaping, and the digest. Each mail has a text and
//! an HTML part from the templates in `templates/` (the HTML is plain, with no remote
//! images, and every value in it is escaped); `smtp` sends them.
//!
//! Recipients come from `[notify]`. An owner tag adds its address only when the address's
//! domain is in `owner_domains`: a tag is written by whoever controls the resource, and
//! must not be able to send an approval mail to an attacker.

pub mod smtp;

use std::sync::LazyLock;

use chrono::{DateTime, SecondsFormat, Utc};
use minijinja::Environment;
use serde_json::{json, Value};

use crate::config::Notify;
use crate::remediate::notify::Event;
use crate::remediate::untrusted::clean;
use crate::remediate::Plan;
use crate::store::{Mail, Store};

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, text) in [
        ("plan.txt", include_str!("templates/plan.txt")),
        ("plan.html", include_str!("templates/plan.html")),
        ("digest.txt", include_str!("templates/digest.txt")),
        ("digest.html", include_str!("templates/digest.html")),
    ] {
        env.add_template(name, text)
            .expect("the mail templates parse");
    }
    env
});

fn render(name: &str, ctx: &Value) -> String {
    TEMPLATES
        .get_template(name)
        .and_then(|t| t.render(minijinja::value::Serde(ctx)))
        .unwrap_or_else(|e| format!("(vigil could not render this mail: {e})"))
}

/// What the event is called in a subject and a heading.
pub fn event_name(e: Event) -> &'static str {
    match e {
        Event::Proposed => "awaits approval",
        Event::Approved => "was approved",
        Event::Rejected => "was rejected",
        Event::Applied => "was applied",
        Event::Failed => "did not apply",
        Event::Verified => "is verified",
        Event::VerifyFailed => "did not verify",
    }
}

/// The kind a mail of this event is kept as (`plan.proposed`, …).
pub fn event_kind(e: Event) -> &'static str {
    match e {
        Event::Proposed => "plan.proposed",
        Event::Approved => "plan.approved",
        Event::Rejected => "plan.rejected",
        Event::Applied => "plan.applied",
        Event::Failed => "plan.failed",
        Event::Verified => "plan.verified",
        Event::VerifyFailed => "plan.verify_failed",
    }
}

/// How a summary is labelled wherever it is shown.
pub fn summary_label(p: &Plan) -> String {
    p.summary
        .as_ref()
        .map(|s| s.label())
        .unwrap_or_else(|| "template".into())
}

/// The plan as the mail and page templates read it: the plan's JSON with estate strings
/// made inert, and each action's undo as one line.
pub fn plan_context(p: &Plan) -> Value {
    let mut v = crate::report::plans::json(p);
    for (a, action) in v["actions"]
        .as_array_mut()
        .into_iter()
        .flatten()
        .zip(&p.actions)
    {
        a["undo_text"] = crate::report::plans::undo_text(&action.reversibility)
            .unwrap_or_else(|| "no".into())
            .into();
    }
    for f in v["findings"].as_array_mut().into_iter().flatten() {
        if let Some(m) = f["message"].as_str() {
            f["message"] = clean(m, 300).into();
        }
    }
    if let Some(s) = v["summary"].as_str() {
        v["summary"] = s
            .chars()
            .filter(|c| *c == '\n' || !crate::remediate::untrusted::is_hidden(*c))
            .collect::<String>()
            .into();
    }
    v
}

/// The targets' names and tags as last stored, made inert, credential-looking values
/// masked: `{target: "name · k=v, …"}` for the templates.
pub fn estate(store: &Store, p: &Plan) -> Value {
    let mut out = serde_json::Map::new();
    for a in &p.actions {
        if let Ok(Some((r, _))) = store.current(&a.target) {
            let mut parts: Vec<String> = Vec::new();
            if let Some(n) = &r.name {
                parts.push(format!("name {}", clean(n, 128)));
            }
            let tags: Vec<String> = r
                .tags
                .iter()
                .take(20)
                .map(|(k, v)| {
                    format!(
                        "{}={}",
                        clean(k, 64),
                        clean(&crate::llm::prompt::mask(k, v), 128)
                    )
                })
                .collect();
            if !tags.is_empty() {
                parts.push(format!("tags {}", tags.join(", ")));
            }
            out.insert(a.target.clone(), parts.join(" · ").into());
        }
    }
    Value::Object(out)
}

/// A subject from vigil's own fields only (no estate string).
fn subject(p: &Plan, e: Event) -> String {
    let targets: std::collections::BTreeSet<&str> =
        p.actions.iter().map(|a| a.target.as_str()).collect();
    format!(
        "[vigil] plan {} {}: {} action(s) on {} resource(s){}",
        p.id,
        event_name(e),
        p.actions.len(),
        targets.len(),
        if p.production { " (production)" } else { "" }
    )
}

/// An address from an owner tag, if the config allows its domain.
fn owner_address(n: &Notify, value: &str) -> Option<String> {
    let mb: lettre::message::Mailbox = value.trim().parse().ok()?;
    let domain = mb.email.domain().to_ascii_lowercase();
    n.owner_domains
        .iter()
        .any(|d| d.eq_ignore_ascii_case(&domain))
        .then(|| mb.email.to_string())
}

/// The recipients of event `e` on plan `p`: the configured list, plus the owners (by
/// `owner_tag`, for plan mails) and the requester (for decisions) whose domains are allowed.
pub fn recipients(store: &Store, n: &Notify, p: &Plan, e: Event) -> Vec<String> {
    let mut to: Vec<String> = match e {
        Event::Proposed => n.plan_proposed.clone(),
        _ => n.plan_decided.clone(),
    };
    if let Some(tag) = &n.owner_tag {
        for a in &p.actions {
            if let Ok(Some((r, _))) = store.current(&a.target) {
                if let Some(addr) = r.tags.get(tag).and_then(|v| owner_address(n, v)) {
                    to.push(addr);
                }
            }
        }
    }
    if e != Event::Proposed {
        if let Some(addr) = owner_address(n, &p.requester) {
            to.push(addr);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    to.retain(|a| seen.insert(a.to_ascii_lowercase()));
    to
}

/// A random link token (256 bits, URL-safe hex).
pub fn new_token() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("the OS random source works");
    hex::encode(b)
}

/// The mails event `e` on plan `p` sends: one per recipient for a proposal (each with its
/// own link token, kept hashed in the store), one for the other events.
pub fn plan_mails(
    store: &mut Store,
    n: &Notify,
    ttl_hours: u32,
    p: &Plan,
    e: Event,
    now: DateTime<Utc>,
) -> Result<Vec<Mail>, crate::store::Error> {
    let to = recipients(store, n, p, e);
    if to.is_empty() {
        return Ok(Vec::new());
    }
    let heading = format!("Plan {} {}", p.id, event_name(e));
    let mut ctx = json!({
        "heading": heading,
        "plan": plan_context(p),
        "estate": estate(store, p),
        "summary_label": summary_label(p),
        "link": null,
    });
    let mail = |ctx: &Value, to: Vec<String>| Mail {
        kind: event_kind(e).into(),
        plan: Some(p.id),
        to,
        subject: subject(p, e),
        text: render("plan.txt", ctx),
        html: render("plan.html", ctx),
    };
    if e != Event::Proposed {
        return Ok(vec![mail(&ctx, to)]);
    }
    let mut out = Vec::new();
    for r in to {
        if let Some(base) = &n.base_url {
            let token = new_token();
            store.add_link(&token, p.id, &p.hash, &r, ttl_hours, now)?;
            ctx["link"] = format!("{}/plans/{}?t={token}", base.trim_end_matches('/'), p.id).into();
        }
        out.push(mail(&ctx, vec![r]));
    }
    Ok(out)
}

/// The mail `vigil notify test` sends.
pub fn test_mail(to: &str) -> Mail {
    Mail {
        kind: "test".into(),
        plan: None,
        to: vec![to.to_string()],
        subject: "[vigil] test mail".into(),
        text: "This is a test mail from vigil: [notify.smtp] works.\n".into(),
        html: "<!doctype html><html><body><p>This is a test mail from vigil: <code>[notify.smtp]</code> works.</p></body></html>".into(),
    }
}

/// The reaping mail: resources marked idle, and the plan that would reap them.
pub fn reaping_mail(store: &Store, n: &Notify, p: &Plan, link: Option<String>) -> Option<Mail> {
    if n.reaping.is_empty() {
        return None;
    }
    let heading = format!(
        "{} resource(s) marked for reaping; plan {} awaits approval",
        p.findings.len(),
        p.id
    );
    let ctx = json!({"heading": heading, "plan": plan_context(p), "estate": estate(store, p),
        "summary_label": summary_label(p), "link": link});
    Some(Mail {
        kind: "reaping".into(),
        plan: Some(p.id),
        to: n.reaping.clone(),
        subject: format!("[vigil] {heading}"),
        text: render("plan.txt", &ctx),
        html: render("plan.html", &ctx),
    })
}

/// The digest since `since`: findings opened and reopened by severity, resources new or
/// changed, plans waiting (proposed, approved), waivers that expire within a week.
pub fn digest_mail(
    store: &Store,
    to: &[String],
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Mail, crate::store::Error> {
    use crate::remediate::PlanState;
    let counts = store.digest_counts(since)?;
    let plans = store.plans(&[PlanState::Proposed, PlanState::Approved])?;
    let week = now + chrono::Duration::days(7);
    let waivers: Vec<Value> = store
        .waivers()?
        .into_iter()
        .filter(|w| {
            DateTime::parse_from_rfc3339(&w.expires_at)
                .map(|t| t <= week && t >= now)
                .unwrap_or(false)
        })
        .map(|w| json!({"id": w.id, "rule": w.rule, "resource": clean(&w.resource, 200), "owner": clean(&w.owner, 100), "expires_at": w.expires_at}))
        .collect();
    let heading = format!("vigil digest for {}", now.format("%Y-%m-%d"));
    let ctx = json!({
        "heading": heading,
        "since": since.to_rfc3339_opts(SecondsFormat::Secs, true),
        "findings": counts.findings.iter().map(|(e, s, c)| json!({"event": e, "severity": s, "count": c})).collect::<Vec<_>>(),
        "drifted": counts.drifted_resources,
        "plans": plans.iter().map(|p| json!({"id": p.id, "state": p.state.as_str(), "actions": p.actions.len(), "findings": p.findings.len()})).collect::<Vec<_>>(),
        "waivers": waivers,
    });
    let opened: i64 = counts.findings.iter().map(|(_, _, c)| c).sum();
    Ok(Mail {
        kind: "digest".into(),
        plan: None,
        to: to.to_vec(),
        subject: format!(
            "[vigil] digest: {opened} new or reopened finding(s), {} plan(s) waiting",
            plans.len()
        ),
        text: render("digest.txt", &ctx),
        html: render("digest.html", &ctx),
    })
}

/// The mail of a scheduled report (`[[reports]] mail_to`): the posture's counts in the
/// subject, its Markdown as the text (with a link to the live report when `base_url` is
/// set), its HTML page as the HTML part.
pub fn report_mail(
    p: &crate::report::posture::Posture,
    to: &[String],
    base_url: Option<&str>,
) -> Result<Mail, crate::report::posture::render::Error> {
    use crate::report::posture::render;
    let md = render::markdown(p, None)?;
    let html = render::html(p, None)?;
    let link = base_url
        .map(|b| {
            format!(
                "\n\nThe live report: {}/reports/posture?baseline={}\n",
                b.trim_end_matches('/'),
                p.baseline
            )
        })
        .unwrap_or_default();
    let s = &p.summary.counts;
    Ok(Mail {
        kind: "report".into(),
        plan: None,
        to: to.to_vec(),
        subject: format!(
            "[vigil] NIST SP 800-53 {} posture: {} pass, {} fail, {} not assessed",
            p.baseline.to_uppercase(),
            s.pass,
            s.fail,
            s.not_assessed
        ),
        text: md + &link,
        html,
    })
}
