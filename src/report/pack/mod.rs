//! Evidence packs (`vigil report --pack FILE.zip`): the reports, the scans' snapshots and
//! coverage, the waivers, the rules in force and the audit log with its head hash, as a
//! BagIt 1.0 bag (RFC 8493: `manifest-sha256.txt` is `sha256sum -c` input) in a
//! deterministic zip (sorted entries, fixed times), the manifest signed with Ed25519 in
//! minisign's format.

pub mod sign;
pub mod upload;
pub mod verify;

use std::collections::BTreeMap;
use std::io::Write as _;

use super::posture::{self, Posture};
use crate::policy::RuleSet;
use crate::store::Store;

/// The pack's payload (paths under `data/`) for a posture.
pub fn payload(
    store: &Store,
    rules: &RuleSet,
    p: &Posture,
    template: Option<&std::path::Path>,
    oscal_version: &str,
) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut put = |path: &str, bytes: Vec<u8>| {
        files.insert(path.to_string(), bytes);
    };
    put("posture.json", json(p)?);
    put(
        "report.html",
        posture::render::html(p, template)?.into_bytes(),
    );
    put(
        "report.md",
        posture::render::markdown(p, template)?.into_bytes(),
    );
    put("posture.csv", posture::csv::render(p)?.into_bytes());
    put(
        "assessment-results.json",
        json(&posture::oscal::assessment_results(p, oscal_version))?,
    );
    if let Some(poam) = posture::oscal::poam(p, oscal_version) {
        put("poam.json", json(&poam)?);
    }
    put("findings.sarif", json(&super::sarif::live(rules, p))?);
    put(
        "findings.ocsf.ndjson",
        posture::ocsf::render(p).into_bytes(),
    );
    let mut coverage = Vec::new();
    for s in &p.scans {
        let docs = store.scan_documents(s.id)?;
        let resources: Vec<serde_json::Value> = docs
            .into_iter()
            .map(|(id, ty, doc)| {
                serde_json::json!({"id": id, "type": ty,
                    "document": serde_json::from_str::<serde_json::Value>(&doc).unwrap_or(serde_json::Value::String(doc))})
            })
            .collect();
        put(
            &format!("snapshots/scan-{}.json", s.id),
            json(&serde_json::json!({"scan": s.id, "target": s.target, "resources": resources}))?,
        );
        coverage.push(store.scan(s.id)?);
    }
    put("coverage.json", json(&coverage)?);
    put("waivers.json", json(&store.waivers()?)?);
    let mut audit = Vec::new();
    for e in store.audit_export()? {
        audit.extend(serde_json::to_vec(&e)?);
        audit.push(b'\n');
    }
    put("audit-log.ndjson", audit);
    for r in &rules.rules {
        put(
            &format!("rules/{}", r.file.trim_start_matches('/')),
            r.text.clone().into_bytes(),
        );
    }
    put("README.md", README.as_bytes().to_vec());
    Ok(files)
}

fn json<T: serde::Serialize>(v: &T) -> anyhow::Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(v)?;
    out.push(b'\n');
    Ok(out)
}

const README: &str = "# vigil evidence pack

This folder is a BagIt 1.0 bag (RFC 8493). `data/` holds the evidence:

- `report.html`, `report.md`, `posture.json`, `posture.csv`: the NIST SP 800-53 baseline posture
- `assessment-results.json`, `poam.json`: the same as OSCAL documents
- `findings.sarif`, `findings.ocsf.ndjson`: the failing resources for code-scanning UIs and SIEMs
- `snapshots/scan-N.json`: the resources the rules saw in each scan (secrets were never collected)
- `coverage.json`: what each scan collected completely, and what it could not read
- `waivers.json`: the waivers, in force and removed
- `audit-log.ndjson`: vigil's hash-chained audit log; `Vigil-Audit-Head` in bag-info.txt is its
  last hash. Each entry's `hash` is SHA-256 over its parts (prev_hash, id, at, actor, action,
  subject, details), each prefixed by its length as 8 big-endian bytes; the first `prev_hash`
  is 64 zeros.
- `rules/`: the rule files in force (their digest is `Vigil-Rules-Digest`)

To verify, from this folder:

    sha256sum -c manifest-sha256.txt          # every payload file is as packed
    sha256sum -c tagmanifest-sha256.txt       # and so are the tag files
    minisign -V -p ../PACK.pub -m manifest-sha256.txt   # the manifest is signed (PACK.pub beside the zip)
    vigil report verify PACK.zip              # all of the above, the audit chain, and no extra files
";

/// A pack made: the zip's bytes and SHA-256, its file count, and the public key that
/// checks its signature (minisign's format) when it was signed.
pub struct Made {
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub files: usize,
    pub public: Option<String>,
    pub scans: String,
}

/// The whole pack of a posture, its bag under the folder `root`.
pub fn make(
    store: &Store,
    rules: &RuleSet,
    p: &Posture,
    key: Option<&sign::SigningKey>,
    root: &str,
    template: Option<&std::path::Path>,
    oscal_version: &str,
) -> anyhow::Result<Made> {
    let payload = payload(store, rules, p, template, oscal_version)?;
    let scans = p
        .scans
        .iter()
        .map(|s| s.id.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let info = [
        ("External-Identifier", root.to_string()),
        ("Vigil-Version", p.vigil_version.to_string()),
        (
            "Vigil-Baseline",
            format!("{} ({})", p.baseline, p.baseline_version),
        ),
        ("Vigil-Scans", scans.clone()),
        ("Vigil-Rules-Digest", p.rules_digest.clone()),
        ("Vigil-Audit-Head", p.audit_head.clone().unwrap_or_default()),
    ];
    let bag = bag(payload, &info, key, chrono::Utc::now());
    let bytes = zip(root, &bag)?;
    Ok(Made {
        sha256: posture::sha256(&bytes),
        bytes,
        files: bag.len(),
        public: key.map(|k| k.public().to_minisign()),
        scans,
    })
}

/// The bag's files (paths from its root): `data/` plus the tag files, the manifest signed
/// when a key is given.
pub fn bag(
    payload: BTreeMap<String, Vec<u8>>,
    info: &[(&str, String)],
    key: Option<&sign::SigningKey>,
    now: chrono::DateTime<chrono::Utc>,
) -> BTreeMap<String, Vec<u8>> {
    let mut out: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut manifest = String::new();
    let mut octets = 0usize;
    for (path, bytes) in &payload {
        manifest.push_str(&format!("{}  data/{path}\n", posture::sha256(bytes)));
        octets += bytes.len();
    }
    let mut bag_info = format!(
        "Bagging-Date: {}\nPayload-Oxum: {octets}.{}\n",
        now.format("%Y-%m-%d"),
        payload.len()
    );
    for (k, v) in info {
        bag_info.push_str(&format!("{k}: {v}\n"));
    }
    if let Some(k) = key {
        bag_info.push_str(&format!("Vigil-Key-Id: {}\n", k.public().id_hex()));
    }
    for (path, bytes) in payload {
        out.insert(format!("data/{path}"), bytes);
    }
    out.insert(
        "bagit.txt".into(),
        b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_vec(),
    );
    out.insert("bag-info.txt".into(), bag_info.into_bytes());
    if let Some(k) = key {
        let comment = format!(
            "timestamp:{} file:manifest-sha256.txt key:{}",
            now.timestamp(),
            k.public().id_hex()
        );
        out.insert(
            "manifest-sha256.txt.minisig".into(),
            k.sign(manifest.as_bytes(), &comment).into_bytes(),
        );
    }
    out.insert("manifest-sha256.txt".into(), manifest.into_bytes());
    let mut tags = String::new();
    for (path, bytes) in &out {
        if !path.starts_with("data/") {
            tags.push_str(&format!("{}  {path}\n", posture::sha256(bytes)));
        }
    }
    out.insert("tagmanifest-sha256.txt".into(), tags.into_bytes());
    out
}

/// A zip of the bag under one folder: entries sorted, every time 1980-01-01, deflated.
pub fn zip(root: &str, files: &BTreeMap<String, Vec<u8>>) -> zip::result::ZipResult<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (path, bytes) in files {
        w.start_file(format!("{root}/{path}"), opts)?;
        w.write_all(bytes)?;
    }
    Ok(w.finish()?.into_inner())
}
