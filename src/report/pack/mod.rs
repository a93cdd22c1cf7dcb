//! Evidence packs (`vigil report --pack FILE.zip`): the reports, the scans' snapshots and
//! coverage, the waivers, the rules in force and the audit log with its head hash, as a
//! BagIt 1.0 bag (RFC 8493: `manifest-sha256.txt` is `sha256sum -c` input) in a
//! deterministic zip (sorted entries, fixed times), the manifest signed with Ed25519 in
//! minisign's format.

pub mod publish;
pub mod sign;
pub mod upload;
pub mod verify;

use std::io::{self, Seek, Write};
use std::path::Path;

use super::posture::{self, export::Format, Posture};
use super::stream::{pretty_json, Hashing};
use crate::policy::RuleSet;
use crate::store::Store;

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

/// A pack made: where, its size and SHA-256, its file count, and the public key that
/// checks its signature (minisign's format) when it was signed.
pub struct Made {
    pub sha256: String,
    pub size: u64,
    pub files: usize,
    pub public: Option<String>,
    pub scans: String,
}

/// The reports in a pack: file name under `data/` and format.
const REPORTS: &[(&str, Format)] = &[
    ("posture.json", Format::Json),
    ("report.html", Format::Html),
    ("report.md", Format::Md),
    ("posture.csv", Format::Csv),
    ("assessment-results.json", Format::OscalAr),
    ("poam.json", Format::OscalPoam),
    ("findings.sarif", Format::Sarif),
    ("findings.ocsf.ndjson", Format::Ocsf),
];

/// A BagIt bag being written into a zip, one file at a time: each payload file is hashed
/// as it is deflated, so no file is ever held whole.
struct Bag<W: Write + Seek> {
    zip: zip::ZipWriter<W>,
    root: String,
    /// `sha256  data/path` lines, in the order written.
    manifest: String,
    octets: u64,
    payload: usize,
    /// `sha256  path` lines of the tag files.
    tags: String,
    files: usize,
}

impl<W: Write + Seek> Bag<W> {
    fn new(out: W, root: &str) -> Self {
        Bag {
            zip: zip::ZipWriter::new(out),
            root: root.to_string(),
            manifest: String::new(),
            octets: 0,
            payload: 0,
            tags: String::new(),
            files: 0,
        }
    }

    /// Every entry: deflated, 1980-01-01 (so the same evidence zips the same), 0644.
    fn start(&mut self, path: &str) -> zip::result::ZipResult<()> {
        use zip::write::SimpleFileOptions;
        let opts = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644)
            .large_file(true);
        self.files += 1;
        self.zip.start_file(format!("{}/{path}", self.root), opts)
    }

    /// A payload file, written by `write` under `data/`.
    fn data(
        &mut self,
        path: &str,
        write: impl FnOnce(&mut dyn Write) -> crate::report::Result<()>,
    ) -> crate::report::Result<()> {
        self.start(&format!("data/{path}"))?;
        let mut w = io::BufWriter::with_capacity(1 << 16, Hashing::new(&mut self.zip));
        write(&mut w)?;
        let (_, sha, n) = w.into_inner().map_err(|e| e.into_error())?.finish();
        self.manifest.push_str(&format!("{sha}  data/{path}\n"));
        self.octets += n;
        self.payload += 1;
        Ok(())
    }

    /// A tag file (outside `data/`), listed in the tag manifest unless it is that.
    fn tag(&mut self, path: &str, bytes: &[u8]) -> crate::report::Result<()> {
        self.start(path)?;
        self.zip.write_all(bytes)?;
        if path != "tagmanifest-sha256.txt" {
            self.tags
                .push_str(&format!("{}  {path}\n", posture::sha256(bytes)));
        }
        Ok(())
    }
}

/// Writes the whole pack of a posture to `path` (in place only once complete), its bag
/// under the folder `root`.
#[allow(clippy::too_many_arguments)]
pub fn make(
    store: &Store,
    rules: &RuleSet,
    p: &Posture,
    key: Option<&sign::SigningKey>,
    root: &str,
    template: Option<&Path>,
    oscal_version: &str,
    path: &Path,
) -> crate::report::Result<Made> {
    let (files, public) = super::stream::atomic(path, |out| {
        let mut bag = Bag::new(&mut *out, root);
        payload(&mut bag, store, rules, p, template, oscal_version)?;
        let files = finish(&mut bag, p, key, chrono::Utc::now())?;
        bag.zip.finish()?;
        Ok((files, key.map(|k| k.public().to_minisign())))
    })?;
    let (sha256, size) = file_sha256(path)?;
    Ok(Made {
        sha256,
        size,
        files,
        public,
        scans: scan_ids(p),
    })
}

fn scan_ids(p: &Posture) -> String {
    p.scans
        .iter()
        .map(|s| s.id.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A file's SHA-256 (hex) and size, read in chunks.
pub fn file_sha256(path: &Path) -> crate::report::Result<(String, u64)> {
    let at = |e: io::Error| crate::report::Error::from(e).at("reading", path);
    let f = std::fs::File::open(path).map_err(at)?;
    let mut h = Hashing::new(io::sink());
    io::copy(&mut io::BufReader::with_capacity(1 << 16, f), &mut h).map_err(at)?;
    let (_, sha, n) = h.finish();
    Ok((sha, n))
}

/// The payload: the reports, each scan's snapshot (streamed from the store), the coverage,
/// the waivers, the audit log, the rules and the README.
fn payload<W: Write + Seek>(
    bag: &mut Bag<W>,
    store: &Store,
    rules: &RuleSet,
    p: &Posture,
    template: Option<&Path>,
    oscal_version: &str,
) -> crate::report::Result<()> {
    for (name, format) in REPORTS {
        if *format == Format::OscalPoam && !posture::oscal::has_poam_items(p) {
            continue;
        }
        bag.data(name, |w| {
            posture::export::write(*format, p, rules, template, oscal_version, w)
        })?;
    }
    let mut coverage = Vec::new();
    for s in &p.scans {
        bag.data(&format!("snapshots/scan-{}.json", s.id), |w| {
            snapshot(store, s, &p.accounts, w)
        })?;
        let mut scan = store.scan(s.id)?;
        if let Some(scan) = scan.as_mut().filter(|_| !p.accounts.is_empty()) {
            scan.coverage.retain(|c| {
                crate::model::resource::parse_scope(&c.scope)
                    .is_some_and(|sc| p.accounts.iter().any(|a| a == sc.account))
            });
        }
        coverage.push(scan);
    }
    bag.data("coverage.json", |w| Ok(pretty_json(w, &coverage)?))?;
    let waivers = store.waivers()?;
    bag.data("waivers.json", |w| Ok(pretty_json(w, &waivers)?))?;
    let audit = store.audit_export()?;
    bag.data("audit-log.ndjson", |w| {
        for e in &audit {
            serde_json::to_writer(&mut *w, e)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    })?;
    for r in &rules.rules {
        bag.data(&format!("rules/{}", r.file.trim_start_matches('/')), |w| {
            Ok(w.write_all(r.text.as_bytes())?)
        })?;
    }
    bag.data("README.md", |w| Ok(w.write_all(README.as_bytes())?))
}

/// A scan's snapshot, `{"scan", "target", "resources": [{"id", "type", "document"}]}`,
/// each resource read from the store and written in turn (only those of `accounts` when it
/// names any).
fn snapshot(
    store: &Store,
    s: &posture::ScanRef,
    accounts: &[String],
    w: &mut dyn Write,
) -> crate::report::Result<()> {
    write!(
        w,
        "{{\n  \"scan\": {},\n  \"target\": {},\n  \"resources\": [",
        s.id,
        serde_json::to_string(&s.target)?
    )?;
    let mut first = true;
    store.for_each_scan_document(s.id, |id, ty, doc| {
        let document = serde_json::from_str::<serde_json::Value>(doc)
            .unwrap_or_else(|_| serde_json::Value::String(doc.to_string()));
        if !accounts.is_empty()
            && !document["account"]
                .as_str()
                .is_some_and(|a| accounts.iter().any(|x| x == a))
        {
            return Ok(());
        }
        let entry = serde_json::json!({"id": id, "type": ty, "document": document});
        w.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        serde_json::to_writer(&mut *w, &entry)?;
        Ok::<(), crate::report::Error>(())
    })?;
    w.write_all(if first { b"]\n}\n" } else { b"\n  ]\n}\n" })?;
    Ok(())
}

/// The tag files: bagit.txt, bag-info.txt, the manifest (and its signature when a key is
/// given) and the tag manifest. The count of files in the zip.
fn finish<W: Write + Seek>(
    bag: &mut Bag<W>,
    p: &Posture,
    key: Option<&sign::SigningKey>,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::report::Result<usize> {
    let mut info = format!(
        "Bagging-Date: {}\nPayload-Oxum: {}.{}\n",
        now.format("%Y-%m-%d"),
        bag.octets,
        bag.payload
    );
    for (k, v) in [
        ("External-Identifier", bag.root.clone()),
        ("Vigil-Version", p.vigil_version.to_string()),
        (
            "Vigil-Baseline",
            format!("{} ({})", p.baseline, p.baseline_version),
        ),
        ("Vigil-Scans", scan_ids(p)),
        ("Vigil-Rules-Digest", p.rules_digest.clone()),
        ("Vigil-Audit-Head", p.audit_head.clone().unwrap_or_default()),
    ] {
        info.push_str(&format!("{k}: {v}\n"));
    }
    if let Some(k) = key {
        info.push_str(&format!("Vigil-Key-Id: {}\n", k.public().id_hex()));
    }
    bag.tag(
        "bagit.txt",
        b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
    )?;
    bag.tag("bag-info.txt", info.as_bytes())?;
    let manifest = std::mem::take(&mut bag.manifest);
    bag.tag("manifest-sha256.txt", manifest.as_bytes())?;
    if let Some(k) = key {
        let comment = format!(
            "timestamp:{} file:manifest-sha256.txt key:{}",
            now.timestamp(),
            k.public().id_hex()
        );
        let sig = k.sign(manifest.as_bytes(), &comment);
        bag.tag("manifest-sha256.txt.minisig", sig.as_bytes())?;
    }
    let tags = std::mem::take(&mut bag.tags);
    bag.tag("tagmanifest-sha256.txt", tags.as_bytes())?;
    Ok(bag.files)
}
