//! Reading a config file with every problem reported at once, each at its line.
//!
//! The structs in [`super`] are the one list of keys: serde rejects an unknown key or a value
//! of the wrong shape, and the field validators below reject values serde would take (a
//! zero, a region that is not one, a cron expression that does not parse). Each error
//! carries the TOML parser's span; the offending key is then taken out of the parsed
//! document and the rest is read again, so one run reports every problem, not only the
//! first. Checks across fields (two clusters with one name) run on the result, with the
//! spans of the keys they name.

use std::ops::Range;

use serde::{Deserialize, Deserializer};
use toml::de::{DeTable, DeValue};

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

/// One step of a path into the document.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Seg {
    Key(String),
    Index(usize),
}

pub(super) fn key(k: &str) -> Seg {
    Seg::Key(k.into())
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
        if !s.target.is_empty() && s.target != "k8s" && !known.contains(&s.target) {
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
    out.extend(notify_checks(c));
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

pub(super) fn checked<'de, D, T>(
    d: D,
    check: impl FnOnce(&T) -> Result<(), String>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let v = T::deserialize(d)?;
    check(&v).map_err(serde::de::Error::custom)?;
    Ok(v)
}

fn nonzero<T: Default + PartialEq>(v: &T) -> Result<(), String> {
    if *v == T::default() {
        Err("must be a positive integer".into())
    } else {
        Ok(())
    }
}

pub(super) fn positive<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default + PartialEq,
{
    checked(d, nonzero::<T>)
}

pub(super) fn positive_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    checked(d, |v: &Option<u32>| v.as_ref().map_or(Ok(()), nonzero))
}

pub(super) fn listen<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, |s: &String| {
        s.parse::<std::net::SocketAddr>()
            .map(|_| ())
            .map_err(|_| format!("`{s}` is not an address and port (like 0.0.0.0:8080)"))
    })
}

pub(super) fn cron<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, |s: &String| {
        super::parse_cron(s)
            .map(|_| ())
            .map_err(|e| format!("`{s}`: {e} (six fields, seconds first: `0 15 3 * * *`)"))
    })
}

pub(super) fn severity<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, |s: &String| {
        s.parse::<crate::model::Severity>().map(|_| ())
    })
}

pub(super) fn apply_mode<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, |s: &String| match s.as_str() {
        "manual" | "on-approval" => Ok(()),
        m => Err(format!(
            "unknown apply mode `{m}` (known: manual, on-approval)"
        )),
    })
}

pub(super) fn addresses<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    checked(d, |v: &Vec<String>| {
        match v
            .iter()
            .find(|a| a.parse::<lettre::message::Mailbox>().is_err())
        {
            Some(a) => Err(format!("`{a}` is not a mail address")),
            None => Ok(()),
        }
    })
}

pub(super) fn regions<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    checked(d, |v: &Vec<String>| {
        match v.iter().find(|r| !crate::model::aws::is_region(r)) {
            Some(r) => Err(format!("`{r}` is not an AWS region name (like us-east-1)")),
            None => Ok(()),
        }
    })
}

pub(super) fn services<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    checked(d, |v: &Vec<String>| {
        let known = crate::collect::aws::services::names();
        match v.iter().find(|s| !known.contains(&s.as_str())) {
            Some(s) => Err(format!(
                "unknown AWS service `{s}` (known: {})",
                known.join(", ")
            )),
            None => Ok(()),
        }
    })
}

pub(super) fn kinds<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    checked(d, |v: &Vec<String>| {
        match v.iter().find(|k| crate::model::k8s::kind(k).is_none()) {
            Some(k) => {
                let known: Vec<&str> = crate::model::k8s::KINDS.iter().map(|k| k.kind).collect();
                Err(format!("unknown kind `{k}` (known: {})", known.join(", ")))
            }
            None => Ok(()),
        }
    })
}

pub(super) fn namespaces<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    checked(d, |v: &Vec<String>| {
        match v.iter().find(|n| !crate::model::k8s::valid_namespace(n)) {
            Some(n) => Err(format!(
                "`{n}` is not a Kubernetes namespace name (lower-case letters, digits and `-`, at most 63)"
            )),
            None => Ok(()),
        }
    })
}

/// `[llm]` and `[notify]`: keys that only make sense together.
fn notify_checks(c: &Config) -> Vec<(Vec<Seg>, String)> {
    use super::LlmProvider;
    let mut out = Vec::new();
    let llm = &c.llm;
    if llm.provider != LlmProvider::None && llm.model.is_none() {
        out.push((
            vec![key("llm"), key("provider")],
            format!(
                "`llm.provider = \"{}\"` needs `llm.model`",
                llm.provider.as_str()
            ),
        ));
    }
    if llm.api_key_env.is_some() && llm.api_key_file.is_some() {
        out.push((
            vec![key("llm"), key("api_key_file")],
            "`llm`: set `api_key_env` or `api_key_file`, not both".into(),
        ));
    }
    let n = &c.notify;
    if let Some(smtp) = &n.smtp {
        let at = |k: &str| vec![key("notify"), key("smtp"), key(k)];
        if smtp.from.parse::<lettre::message::Mailbox>().is_err() {
            out.push((
                at("from"),
                format!("`notify.smtp.from`: `{}` is not a mail address", smtp.from),
            ));
        }
        if smtp.password_env.is_some() && smtp.password_file.is_some() {
            out.push((
                at("password_file"),
                "`notify.smtp`: set `password_env` or `password_file`, not both".into(),
            ));
        }
        let password = smtp.password_env.is_some() || smtp.password_file.is_some();
        if smtp.username_env.is_some() != password {
            out.push((
                at("username_env"),
                "`notify.smtp`: a login needs both `username_env` and `password_env` (or `password_file`)".into(),
            ));
        }
    } else {
        for (k, v) in [
            ("plan_proposed", &n.plan_proposed),
            ("plan_decided", &n.plan_decided),
            ("reaping", &n.reaping),
        ] {
            if !v.is_empty() {
                out.push((
                    vec![key("notify"), key(k)],
                    format!("`notify.{k}` names recipients, but there is no `[notify.smtp]` to send through"),
                ));
            }
        }
        if n.digest.is_some() {
            out.push((
                vec![key("notify"), key("digest")],
                "`notify.digest` needs a `[notify.smtp]` to send through".into(),
            ));
        }
    }
    out
}
