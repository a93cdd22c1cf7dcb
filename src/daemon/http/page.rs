//! The approval page, `/plans/{id}`: the plan, its summary (marked machine-written when a
//! model wrote it), each action with its exact calls, the findings and controls, its state
//! and history; and a form that approves with the approver's own API token and TOTP code.
//!
//! - A GET never changes anything (mail scanners open every link). It needs the link token
//!   a proposal mail carries (`?t=`) or a viewer token in `Authorization`. The link only
//!   identifies the plan and its hash; it never authorizes: the POST needs the approver's
//!   token and code as well, and the link is spent by the approval it carried.
//! - Every value is escaped (names and tags are attacker-controlled); the page has no
//!   script and no third-party asset, under a strict Content-Security-Policy; the token in
//!   the URL never leaves in a `Referer`.

use std::sync::LazyLock;

use axum::extract::{Path, Query, State as AxState};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::Utc;
use minijinja::Environment;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{plans::approve_as, Shared};
use crate::daemon::state::with_store;
use crate::remediate::PlanState;

const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";
const CSS: &str = include_str!("templates/vigil.css");

static PAGES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.add_template("plan.html", include_str!("templates/plan.html"))
        .expect("the page template parses");
    env.add_template("message.html", include_str!("templates/message.html"))
        .expect("the page template parses");
    env
});

/// An HTML answer with the page's security headers.
fn page(status: StatusCode, name: &str, ctx: Value) -> Response {
    let body = PAGES
        .get_template(name)
        .and_then(|t| t.render(minijinja::value::Serde(&ctx)))
        .unwrap_or_else(|e| {
            tracing::error!(target: "daemon::http", error = %e, "rendering a page");
            "vigil could not render this page; its log has the details".into()
        });
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    for (k, v) in [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        h.insert(k, HeaderValue::from_static(v));
    }
    r
}

fn message(status: StatusCode, title: &str, text: &str, back: Option<String>) -> Response {
    page(
        status,
        "message.html",
        json!({"title": title, "message": text, "back": back}),
    )
}

pub(super) async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        CSS,
    )
        .into_response()
}

#[derive(Deserialize)]
pub(super) struct LinkQuery {
    t: Option<String>,
}

/// What a link token allows: whether it names this plan at its current hash, unexpired.
fn link_ok(link: &crate::store::Link, id: i64, hash: &str) -> Result<(), &'static str> {
    let expired = chrono::DateTime::parse_from_rfc3339(&link.expires_at)
        .map(|t| t < Utc::now())
        .unwrap_or(true);
    if link.plan != id {
        Err("this link is for another plan")
    } else if expired {
        Err("this link has expired; `vigil plan show` has the plan")
    } else if link.hash != hash {
        Err("the plan changed after this link was sent; a new proposal mail has the new link")
    } else {
        Ok(())
    }
}

pub(super) async fn show(
    AxState(state): AxState<Shared>,
    Path(id): Path<i64>,
    Query(q): Query<LinkQuery>,
    headers: HeaderMap,
) -> Response {
    let viewer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|t| state.current().tokens.check(t.trim()).cloned())
        .is_some();
    let token = q.t.clone();
    let read = with_store(&state, move |s| {
        let plan = s.plan(id).map_err(|e| e.to_string())?;
        let link = match &token {
            Some(t) => s.link(t).map_err(|e| e.to_string())?,
            None => None,
        };
        let Some(plan) = plan else {
            return Ok(None);
        };
        let estate = crate::mail::estate(s, &plan);
        let history = s
            .audit_of(&format!("plan {id}"))
            .map_err(|e| e.to_string())?;
        Ok(Some((plan, link, estate, history)))
    })
    .await;
    let (plan, link, estate, history) = match read {
        Ok(Some(x)) => x,
        Ok(None) => {
            return message(
                StatusCode::NOT_FOUND,
                "No such plan",
                &format!("There is no plan {id}."),
                None,
            )
        }
        Err(e) => {
            tracing::error!(target: "daemon::http", error = %e, "reading a plan page");
            return message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Error",
                "vigil could not read the plan; its log has the details.",
                None,
            );
        }
    };
    let mut notice = None;
    let usable = match (&link, &q.t) {
        (Some(l), Some(_)) => match link_ok(l, id, &plan.hash) {
            Ok(()) if l.used_at.is_some() => {
                notice = Some("This link has been used for an approval already.".to_string());
                false
            }
            Ok(()) => true,
            Err(why) if viewer => {
                notice = Some(why.to_string());
                false
            }
            Err(why) => return message(StatusCode::FORBIDDEN, "This link cannot be used", why, None),
        },
        _ if viewer => false,
        _ => {
            return message(
                StatusCode::UNAUTHORIZED,
                "Open this page from its link",
                "This page opens from the link in a plan's proposal mail (or with a viewer token). `vigil plan show` prints the same plan.",
                None,
            )
        }
    };
    let history: Vec<Value> = history
        .iter()
        .map(|e| {
            let detail = e
                .details
                .get("reason")
                .and_then(Value::as_str)
                .map(|r| crate::remediate::untrusted::clean(r, 300));
            json!({"at": e.at, "actor": e.actor, "action": e.action, "detail": detail})
        })
        .collect();
    page(
        StatusCode::OK,
        "plan.html",
        json!({
            "plan": crate::mail::plan_context(&plan),
            "estate": estate,
            "summary_label": crate::mail::summary_label(&plan),
            "link": if usable { q.t.clone() } else { None },
            "notice": notice,
            "history": history,
        }),
    )
}

#[derive(Deserialize)]
pub(super) struct ApproveForm {
    t: String,
    hash: String,
    token: String,
    totp: String,
}

pub(super) async fn approve(
    AxState(state): AxState<Shared>,
    Path(id): Path<i64>,
    Form(f): Form<ApproveForm>,
) -> Response {
    let back = Some(format!("/plans/{id}?t={}", f.t));
    let refuse = |status, why: &str| message(status, "Not approved", why, back.clone());
    let t = f.t.clone();
    let found = with_store(&state, move |s| {
        Ok((
            s.link(&t).map_err(|e| e.to_string())?,
            s.plan(id).map_err(|e| e.to_string())?,
        ))
    })
    .await;
    let (link, plan) = match found {
        Ok((Some(l), Some(p))) => (l, p),
        Ok(_) => {
            return refuse(
                StatusCode::FORBIDDEN,
                "This link is not one vigil sent for this plan.",
            )
        }
        Err(e) => {
            tracing::error!(target: "daemon::http", error = %e, "reading a plan link");
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "vigil could not read the plan; its log has the details.",
            );
        }
    };
    if let Err(why) = link_ok(&link, id, &plan.hash) {
        return refuse(StatusCode::FORBIDDEN, why);
    }
    if link.used_at.is_some() {
        return refuse(
            StatusCode::CONFLICT,
            "This link has been used for an approval already.",
        );
    }
    if f.hash != plan.hash {
        return refuse(
            StatusCode::CONFLICT,
            "The plan changed after this page was opened; open it again.",
        );
    }
    let Some(who) = state.current().tokens.check(f.token.trim()).cloned() else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "That API token is not one this daemon knows.",
        );
    };
    match approve_as(&state, &who, id, f.hash.clone(), f.totp.trim().to_string()).await {
        Ok(done) => {
            let t = f.t.clone();
            let _ = with_store(&state, move |s| {
                s.use_link(&t, Utc::now()).map_err(|e| e.to_string())
            })
            .await;
            let text = if done.state == PlanState::Approved {
                format!(
                    "Plan {id} is approved ({} of {} approvals). It is applied {}.",
                    done.approvals,
                    done.required,
                    if state.current().config.plans.apply == "on-approval" {
                        "now, by the daemon"
                    } else {
                        "when an operator runs `vigil plan apply`"
                    }
                )
            } else {
                format!(
                    "Your approval of plan {id} is recorded: {} of {} approvals.",
                    done.approvals, done.required
                )
            };
            message(StatusCode::OK, "Approved", &text, back)
        }
        Err(e) => refuse(e.0, &e.1),
    }
}
