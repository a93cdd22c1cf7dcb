//! The toolkit of config checks, below every section: paths into the document ([`Seg`]) and
//! the field validators serde runs as it reads a value (a zero, a region that is not one, a
//! cron expression that does not parse). `validate` drives them; each section's file uses
//! them for its own keys.

use serde::{Deserialize, Deserializer};

/// One step of a path into the document.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Seg {
    Key(String),
    Index(usize),
}

pub(super) fn key(k: &str) -> Seg {
    Seg::Key(k.into())
}

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

/// A 12-digit AWS account id.
pub(super) fn account_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, |s: &String| {
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(())
        } else {
            Err(format!("`{s}` is not an AWS account id (12 digits)"))
        }
    })
}

/// A role name (`OrganizationAccountAccessRole`, `audit/VigilReader`): no ARN, no spaces.
pub(super) fn role_name<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, |s: &String| {
        let ok = !s.is_empty()
            && !s.starts_with("arn:")
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c));
        if ok {
            Ok(())
        } else {
            Err(format!(
                "`{s}` is not a role name (a name like VigilReader, not an ARN)"
            ))
        }
    })
}

/// A role ARN: `arn:<partition>:iam::<12 digits>:role/<name>`.
pub(super) fn role_arn<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    checked(d, |s: &Option<String>| match s {
        None => Ok(()),
        Some(s) if crate::model::aws::role_arn_account(s).is_some() => Ok(()),
        Some(s) => Err(format!(
            "`{s}` is not a role ARN (arn:aws:iam::123456789012:role/NAME)"
        )),
    })
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
