//! The approval page in a real headless browser: Debian's chromium driven through
//! chromedriver's WebDriver API. The daemon mails a proposal (aiosmtpd receives it), the
//! browser opens the mail's link: the plan renders with its calls, a `<script>` and an
//! `onerror` handler in the estate's tags do not run, the form refuses a wrong code,
//! approves with a valid one, and refuses the same code replayed through a second link.

use serde_json::Value;

use crate::browser::Browser;
use crate::daemon::{get, scan_now};
use crate::plans_aws::totp_code;
use crate::plans_daemon::{start_with, wait_plan};
use crate::smtpd::{Smtpd, Tls};

#[test]
fn the_approval_page_renders_escapes_estate_markup_and_approves_once_per_code() {
    let Some(b) = Browser::start() else { return };
    let s = Smtpd::start(Tls::None);
    let extra = format!(
        "approvals_required = 2\n\n[notify]\nplan_proposed = [\"bob@example.com\", \"carol@example.com\"]\nbase_url = \"https://vigil.example.com\"\n\n{}",
        s.config("none")
    );
    let estate = "c('kms').create_key(Description='no rotation', Tags=[\
        {'TagKey': 'team', 'TagValue': '<script>document.title=\"PWNED\"</script>'}, \
        {'TagKey': 'owner', 'TagValue': '<img src=x onerror=\"document.title=1337\">'}])";
    let f = start_with(&extra, estate);
    scan_now(f.daemon.port, &f.operator, &f.viewer);
    let plan = wait_plan(&f, "proposed");
    let id = plan["id"].as_i64().unwrap();
    let hash = plan["hash"].as_str().unwrap();
    let links: Vec<String> = s
        .wait_for(2)
        .iter()
        .map(|m| {
            let text = m["text"].as_str().unwrap();
            let link = text
                .lines()
                .find_map(|l| l.strip_prefix("Review and approve: "))
                .unwrap();
            link.replace(
                "https://vigil.example.com",
                &format!("http://127.0.0.1:{}", f.daemon.port),
            )
        })
        .collect();

    // Without a link (or a viewer token) the page does not open.
    let (code, body) = get(f.daemon.port, &format!("/plans/{id}"), None);
    assert_eq!(code, 401, "{body}");
    let (code, _) = get(f.daemon.port, &format!("/plans/{id}"), Some(&f.viewer));
    assert_eq!(code, 200);

    b.goto(&links[0]);
    assert_eq!(b.text("#state"), "proposed");
    assert_eq!(b.text("#hash"), hash);
    let target = plan["actions"][0]["target"].as_str().unwrap();
    let key_id = target.rsplit('/').next().unwrap();
    assert!(b
        .text("#actions")
        .contains(&format!("kms:EnableKeyRotation KeyId={key_id}")));
    assert!(b.text("#findings").contains("KMS-AWS-001"));
    assert!(b.text("#summary-source").contains("template"));
    // The tags show as text; neither the script nor the handler ran.
    let actions = b.text("#actions");
    assert!(
        actions.contains("team=<script>document.title=\"PWNED\"</script>"),
        "{actions}"
    );
    assert!(
        actions.contains("owner=<img src=x onerror=\"document.title=1337\">"),
        "{actions}"
    );
    assert_eq!(
        b.run("return document.title"),
        format!("vigil · plan {id} · proposed")
    );
    assert_eq!(b.run("return document.scripts.length"), 0);
    assert_eq!(b.run("return document.images.length"), 0);
    let console = b.console();
    assert!(
        console.iter().all(|m| m["level"] != "SEVERE"),
        "no console errors or CSP violations: {console:#?}"
    );
    let r = ureq::get(&links[0]).call().unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.starts_with("default-src 'none'") && !csp.contains("unsafe"),
        "{csp}"
    );
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");

    // A wrong code is refused, and changes nothing.
    let code_now = totp_code(&f.dir.path().join("totp.toml"), "bob", 0);
    let wrong = if code_now == "000000" {
        "111111"
    } else {
        "000000"
    };
    b.fill("#token", &f.bob);
    b.fill("#totp", wrong);
    b.click("#submit");
    b.wait_title("vigil · Not approved");
    assert_eq!(b.text("#title"), "Not approved");
    // A valid code approves: 1 of the 2 approvals.
    b.goto(&links[0]);
    b.fill("#token", &f.bob);
    b.fill("#totp", &code_now);
    b.click("#submit");
    b.wait_title("vigil · Approved");
    assert_eq!(b.text("#title"), "Approved", "{}", b.text("#message"));
    assert!(
        b.text("#message").contains("1 of 2"),
        "{}",
        b.text("#message")
    );
    // The link is spent; the same code through the other link is a replay, refused.
    b.goto(&links[0]);
    assert!(b.text("#notice").contains("used for an approval already"));
    b.goto(&links[1]);
    b.fill("#token", &f.bob);
    b.fill("#totp", &code_now);
    b.click("#submit");
    b.wait_title("vigil · Not approved");
    assert_eq!(b.text("#title"), "Not approved");
    let why = b.text("#message");
    assert!(
        why.contains("this TOTP code (or a later one) was already used"),
        "{why}"
    );
    let (_, body) = get(
        f.daemon.port,
        &format!("/api/v1/plans/{id}"),
        Some(&f.viewer),
    );
    let now: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(now["approvals"].as_array().unwrap().len(), 1, "{now:#}");
    assert_eq!(now["state"], "proposed");
}
