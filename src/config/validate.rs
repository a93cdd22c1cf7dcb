//! Reading a config file with every problem reported at once, each at its line.
//!
//! The structs in [`super`] are the one list of keys: serde rejects an unknown key or a value
//! of the wrong shape, and the field validators in `de` reject values serde would take (a
//! zero, a region that is not one, a cron expression that does not parse). Each error
//! carries the TOML parser's span; the offending key is then taken out of the parsed
//! document and the rest is read again, so one run reports every problem, not only the
//! first. Checks across fields (two clusters with one name) run on the result, with the
//! spans of the keys they name; each section's own checks live with its keys (`notify`, `posture`, `reports`).

use std::ops::Range;

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use super::de::{key, Seg};
use super::{Config, Problem};

/// At most this many problems are reported (a file that is not a vigil config at all).
const MAX_PROBLEMS: usize = 50;

/// Parses and checks a config text: the config, or every problem found, sorted by line.
pub(super) fn parse(file: &str, text: &str) -> Result<Config, Vec<Problem>> {
    let at = |span: Option<Range<usize>>, message: String| Problem {
        file: file.into(),
        line: span.map(|s| line_of(text, s.start)).unwrap_or(1),
        message,
    };
    let mut doc =
        DeTable::parse(text).map_err(|e| vec![at(e.span(), e.message().trim().to_string())])?;
    let mut problems = Vec::new();
    // Keys taken out after their problem was reported: not reported again as missing.
    let mut removed: Vec<Vec<Seg>> = Vec::new();
    let config = loop {
        match Config::deserialize(toml::de::Deserializer::from(doc.clone())) {
            Ok(c) => break Some(c),
            Err(e) => {
                let found = e.span().and_then(|s| locate(doc.get_ref(), &s));
                let Some(path) = found else {
                    problems.push(at(e.span(), e.message().trim().to_string()));
                    break None;
                };
                problems.push(at(e.span(), describe(&path, e.message().trim())));
                if problems.len() >= MAX_PROBLEMS || !remove(doc.get_mut(), &path) {
                    break None;
                }
                removed.push(path);
            }
        }
    };
    if let Some(c) = &config {
        for (path, message) in cross_checks(c) {
            if !removed.contains(&path) {
                problems.push(at(span_of(doc.get_ref(), &path), message));
            }
        }
    }
    problems.sort_by_key(|p| p.line);
    match config {
        Some(c) if problems.is_empty() => Ok(c),
        _ => Err(problems),
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// `collectors.aws.regions`, `collectors.kubernetes.clusters[2].kinds` (entries count from 1,
/// as a reader counts `[[...]]` blocks).
fn dotted(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) if s.is_empty() => s.push_str(k),
            Seg::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{}]", i + 1)),
        }
    }
    s
}

/// A serde message said with the key it is about. serde's "unknown field `x`, expected one
/// of `a`, `b`" names the struct's own fields: the keys known there.
fn describe(path: &[Seg], message: &str) -> String {
    let full = dotted(path);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let known = rest
            .split_once(", expected one of ")
            .map(|(_, k)| k.replace('`', ""))
            .or_else(|| {
                rest.split_once(", expected ")
                    .map(|(_, k)| k.replace('`', ""))
            })
            .unwrap_or_default();
        return if known.is_empty() {
            format!("unknown key `{full}`")
        } else {
            format!("unknown key `{full}` (known here: {known})")
        };
    }
    format!("`{full}`: {message}")
}

/// The path of the innermost key that `span` is about: the key itself (an unknown key), or
/// the key whose value holds it (a value of the wrong shape, anywhere inside).
fn locate(table: &DeTable, span: &Range<usize>) -> Option<Vec<Seg>> {
    table.iter().find_map(|(k, v)| {
        let here = vec![key(k.get_ref())];
        if k.span() == *span {
            return Some(here);
        }
        if let Some(rest) = locate_in(v.get_ref(), span) {
            return Some([here, rest].concat());
        }
        let within = v.span().start <= span.start && span.end <= v.span().end;
        within.then_some(here)
    })
}

fn locate_in(value: &DeValue, span: &Range<usize>) -> Option<Vec<Seg>> {
    match value {
        DeValue::Table(t) => locate(t, span),
        // In an array of scalars, the array's key is the place.
        DeValue::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, item)| match item.get_ref() {
                DeValue::Table(t) => {
                    locate(t, span).map(|rest| [vec![Seg::Index(i)], rest].concat())
                }
                _ => None,
            }),
        _ => None,
    }
}

/// Takes the key at `path` out of the document; false when there is nothing to take.
fn remove(table: &mut DeTable, path: &[Seg]) -> bool {
    match path {
        [Seg::Key(k)] => table.remove(k.as_str()).is_some(),
        [Seg::Key(k), rest @ ..] => match table.get_mut(k.as_str()).map(|v| v.get_mut()) {
            Some(v) => remove_in(v, rest),
            None => false,
        },
        _ => false,
    }
}

fn remove_in(value: &mut DeValue, path: &[Seg]) -> bool {
    match (value, path) {
        (DeValue::Table(t), _) => remove(t, path),
        (DeValue::Array(a), [Seg::Index(i), rest @ ..]) => match a.get_mut(*i) {
            Some(item) => remove_in(item.get_mut(), rest),
            None => false,
        },
        _ => false,
    }
}

/// The span of the key at `path`, or of the nearest enclosing one that exists.
fn span_of(table: &DeTable, path: &[Seg]) -> Option<Range<usize>> {
    let Some((Seg::Key(k), rest)) = path.split_first() else {
        return None;
    };
    let (ks, v) = table.get_key_value(k.as_str())?;
    Some(match (rest.split_first(), v.get_ref()) {
        (Some((Seg::Key(_), _)), DeValue::Table(t)) => span_of(t, rest).unwrap_or(ks.span()),
        (Some((Seg::Index(i), inner)), DeValue::Array(a)) => match a.get(*i) {
            Some(item) => match item.get_ref() {
                DeValue::Table(t) if !inner.is_empty() => span_of(t, inner).unwrap_or(item.span()),
                _ => item.span(),
            },
            None => ks.span(),
        },
        _ => ks.span(),
    })
}

/// Checks across fields, on the config as read: each names the path of the key it is about.
/// Every target has a name of its own, and every schedule names one.
fn target_checks(c: &Config) -> Vec<(Vec<Seg>, String)> {
    let mut out = Vec::new();
    let mut seen: Vec<String> = vec!["aws".into(), "kubernetes".into(), "k8s".into()];
    for (i, t) in c.collectors.aws.targets.iter().enumerate() {
        let at = vec![
            key("collectors"),
            key("aws"),
            key("targets"),
            Seg::Index(i),
            key("name"),
        ];
        let what = format!("`collectors.aws.targets[{}]`", i + 1);
        if t.name.is_empty() {
            out.push((at, format!("{what}: `name` is missing")));
        } else if seen.contains(&t.name) {
            out.push((at, format!("{what}: the target name `{}` is taken (by `aws`, `kubernetes` or another target); set a distinct `name`", t.name)));
        } else {
            seen.push(t.name.clone());
        }
    }
    for (i, cl) in c.collectors.kubernetes.clusters.iter().enumerate() {
        if let Some(n) = cl.target_name() {
            if c.collectors.aws.targets.iter().any(|t| t.name == n)
                || n == "aws"
                || n == "kubernetes"
            {
                out.push((
                    vec![key("collectors"), key("kubernetes"), key("clusters"), Seg::Index(i), key("name")],
                    format!("`collectors.kubernetes.clusters[{}]`: the target name `{n}` is taken (by `aws`, `kubernetes` or an AWS target); set a distinct `name`", i + 1),
                ));
            }
        }
    }
    let known = c.target_names();
    for (i, s) in c.schedules.iter().enumerate() {
        let name = Config::canonical_target(&s.target);
        if !s.target.is_empty() && !known.iter().any(|k| k == name) {
            out.push((
                vec![key("schedules"), Seg::Index(i), key("target")],
                format!(
                    "`schedules[{}].target`: unknown target `{}` (known: {})",
                    i + 1,
                    s.target,
                    known.join(", ")
                ),
            ));
        }
    }
    out
}

/// Every listed account has a role (its own `role_arn`, or the organization's `role_name`
/// in it) and is listed once per target.
fn account_checks(c: &Config) -> Vec<(Vec<Seg>, String)> {
    let a = &c.collectors.aws;
    let mut out = Vec::new();
    let mut lists: Vec<(Vec<Seg>, String, &[super::Account], bool)> = vec![(
        vec![key("collectors"), key("aws"), key("accounts")],
        "`collectors.aws.accounts".into(),
        &a.accounts,
        a.organization.is_some(),
    )];
    for (i, t) in a.targets.iter().enumerate() {
        lists.push((
            vec![
                key("collectors"),
                key("aws"),
                key("targets"),
                Seg::Index(i),
                key("accounts"),
            ],
            format!("`collectors.aws.targets[{}].accounts", i + 1),
            &t.accounts,
            t.organization.is_some() || a.organization.is_some(),
        ));
    }
    for (path, what, accounts, org) in lists {
        let mut seen: Vec<&str> = Vec::new();
        for (j, acct) in accounts.iter().enumerate() {
            let at = |k: &str| {
                let mut p = path.clone();
                p.extend([Seg::Index(j), key(k)]);
                p
            };
            if acct.role_arn.is_none() && !org {
                out.push((at("id"), format!("{what}[{}]`: account {} has no `role_arn`, and there is no `[collectors.aws.organization] role_name` to assume in it", j + 1, acct.id)));
            }
            if let Some(arn) = &acct.role_arn {
                let owner = crate::model::aws::role_arn_account(arn).unwrap_or_default();
                if owner != acct.id {
                    out.push((
                        at("role_arn"),
                        format!(
                            "{what}[{}]`: the role {arn} is in account {owner}, not {}",
                            j + 1,
                            acct.id
                        ),
                    ));
                }
            }
            if seen.contains(&acct.id.as_str()) {
                out.push((
                    at("id"),
                    format!("{what}[{}]`: account {} is listed twice", j + 1, acct.id),
                ));
            }
            seen.push(&acct.id);
        }
    }
    out
}

fn cross_checks(c: &Config) -> Vec<(Vec<Seg>, String)> {
    let mut out = Vec::new();
    for (i, s) in c.schedules.iter().enumerate() {
        let at = |k: &str| vec![key("schedules"), Seg::Index(i), key(k)];
        for (k, v) in [("target", &s.target), ("cron", &s.cron)] {
            if v.is_empty() {
                out.push((at(k), format!("`schedules[{}]`: `{k}` is missing", i + 1)));
            }
        }
    }
    out.extend(target_checks(c));
    out.extend(account_checks(c));
    let a = &c.collectors.aws;
    let here = |k: &str| vec![key("collectors"), key("aws"), key(k)];
    match (a.source, &a.aggregator) {
        (super::AwsSource::ConfigAggregator, None) => out.push((
            here("source"),
            "`collectors.aws.source = \"config-aggregator\"` needs `aggregator = \"NAME\"`, the AWS Config aggregator to read".into(),
        )),
        (super::AwsSource::ConfigAggregator, Some(_)) => {}
        (_, Some(_)) => out.push((
            here("aggregator"),
            "`collectors.aws.aggregator` is read only with `source = \"config-aggregator\"`".into(),
        )),
        (_, None) if a.aggregator_region.is_some() => out.push((
            here("aggregator_region"),
            "`collectors.aws.aggregator_region` is read only with `source = \"config-aggregator\"`".into(),
        )),
        _ => {}
    }
    let mut names: Vec<String> = Vec::new();
    for (i, cl) in c.collectors.kubernetes.clusters.iter().enumerate() {
        let at = |k: &str| {
            vec![
                key("collectors"),
                key("kubernetes"),
                key("clusters"),
                Seg::Index(i),
                key(k),
            ]
        };
        let what = format!("`collectors.kubernetes.clusters[{}]`", i + 1);
        if cl.in_cluster && (cl.kubeconfig.is_some() || cl.context.is_some()) {
            out.push((
                at("in_cluster"),
                format!("{what}: `in_cluster = true` takes no `kubeconfig` or `context`"),
            ));
        }
        let name = cl
            .name
            .as_deref()
            .or(cl.context.as_deref())
            .map(crate::model::k8s::cluster_name)
            .unwrap_or_else(|| {
                if cl.in_cluster {
                    "in-cluster".into()
                } else {
                    "(current context)".into()
                }
            });
        if names.contains(&name) {
            out.push((
                at("name"),
                format!("{what}: another cluster is already named `{name}`; set distinct `name`s"),
            ));
        }
        names.push(name);
    }
    out.extend(super::notify::checks(c));
    out.extend(super::posture::checks(c));
    out.extend(super::reports::checks(c));
    // A known rule parameter keeps the shape of its default.
    let defaults = super::default_params();
    for (k, v) in &c.rules.params {
        let Some(default) = defaults.get(k) else {
            continue;
        };
        if let Some(expected) = shape_mismatch(default, v) {
            out.push((
                vec![key("rules"), key("params"), key(k)],
                format!("`rules.params.{k}`: must be {expected}"),
            ));
        }
    }
    out
}

/// What `v` should be, when it does not have the shape of the parameter's default.
fn shape_mismatch(default: &serde_json::Value, v: &toml::Value) -> Option<&'static str> {
    use serde_json::Value as J;
    let strings = |a: &toml::value::Array| a.iter().all(|x| x.is_str());
    match default {
        J::Number(_) => match v.as_integer() {
            Some(n) if n > 0 => None,
            _ => Some("a positive integer"),
        },
        J::Array(d) if d.iter().all(J::is_string) && !d.is_empty() => match v.as_array() {
            Some(a) if strings(a) => None,
            _ => Some("a list of strings"),
        },
        J::Array(_) => (!v.is_array()).then_some("a list"),
        J::Object(_) => match v.as_table() {
            Some(t) if t.values().all(|x| x.as_array().is_some_and(strings)) => None,
            _ => Some("a table of string lists, like { environment = [\"dev\"] }"),
        },
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Field validators, named in the structs with `#[serde(deserialize_with = "...")]`.
