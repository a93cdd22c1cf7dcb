//! `vigil report verify PACK.zip`: the bag is whole (every payload and tag file matches its
//! manifest, nothing unlisted, Payload-Oxum agrees), the manifest's signature holds, and the
//! audit log inside chains from its first entry to the head hash the pack records.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use super::sign::PublicKey;

/// What verification found: each check passed, and each problem.
#[derive(Debug, Default)]
pub struct Verdict {
    pub passed: Vec<String>,
    pub problems: Vec<String>,
}

impl Verdict {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A file of the pack: its SHA-256 and size, and its bytes when verification reads them
/// (the tag files and the audit log; the rest is hashed as it is inflated, never held).
struct Entry {
    sha256: String,
    len: u64,
    bytes: Option<Vec<u8>>,
}

fn kept(name: &str) -> bool {
    !name.starts_with("data/") || name == "data/audit-log.ndjson"
}

/// The zip's files, by path under its one top folder.
fn read(path: &Path) -> Result<BTreeMap<String, Entry>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut z =
        zip::ZipArchive::new(file).map_err(|e| format!("{}: not a zip: {e}", path.display()))?;
    let mut out = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z
            .by_index(i)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if f.is_dir() {
            continue;
        }
        let name = f
            .name()
            .map_err(|e| format!("{}: an entry's name: {e}", path.display()))?
            .to_string();
        let (_, rest) = name
            .split_once('/')
            .ok_or(format!("{name} is outside the bag's folder"))?;
        let rest = rest.to_string();
        let failed = |e: std::io::Error| format!("{}: {name}: {e}", path.display());
        let entry = if kept(&rest) {
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).map_err(failed)?;
            Entry {
                sha256: crate::report::posture::sha256(&bytes),
                len: bytes.len() as u64,
                bytes: Some(bytes),
            }
        } else {
            let mut h = crate::report::stream::Hashing::new(std::io::sink());
            std::io::copy(&mut f, &mut h).map_err(failed)?;
            let (_, sha256, len) = h.finish();
            Entry {
                sha256,
                len,
                bytes: None,
            }
        };
        out.insert(rest, entry);
    }
    Ok(out)
}

/// Checks `path lines` of a manifest against the files; problems name each file.
fn check_manifest(
    name: &str,
    manifest: &str,
    files: &BTreeMap<String, Entry>,
    v: &mut Verdict,
) -> usize {
    let mut n = 0;
    for line in manifest.lines().filter(|l| !l.trim().is_empty()) {
        let Some((hash, file)) = line.split_once("  ") else {
            v.problems
                .push(format!("{name}: a line is not `hash  path`: {line}"));
            continue;
        };
        match files.get(file) {
            None => v
                .problems
                .push(format!("{name}: {file} is listed but missing")),
            Some(e) if e.sha256 != hash => v.problems.push(format!(
                "{file}: its SHA-256 is not the one {name} lists (changed after packing)"
            )),
            Some(_) => n += 1,
        }
    }
    n
}

/// A file's text, empty when it is missing.
fn text(files: &BTreeMap<String, Entry>, name: &str) -> String {
    let bytes = files.get(name).and_then(|e| e.bytes.as_deref());
    String::from_utf8_lossy(bytes.unwrap_or_default()).into_owned()
}

fn bag_info(files: &BTreeMap<String, Entry>) -> BTreeMap<String, String> {
    let text = text(files, "bag-info.txt");
    text.lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The audit log's chain: each entry's hash over its parts, each linked to the one before.
fn check_audit(files: &BTreeMap<String, Entry>, head: Option<&String>, v: &mut Verdict) {
    let Some(log) = files
        .get("data/audit-log.ndjson")
        .and_then(|e| e.bytes.as_ref())
    else {
        v.problems.push("data/audit-log.ndjson is missing".into());
        return;
    };
    let mut prev = crate::store::GENESIS.to_string();
    let mut count = 0;
    for (i, line) in String::from_utf8_lossy(log).lines().enumerate() {
        let e: serde_json::Value = match serde_json::from_str(line) {
            Ok(e) => e,
            Err(err) => {
                v.problems
                    .push(format!("audit-log.ndjson:{}: {err}", i + 1));
                return;
            }
        };
        let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
        let id = e["id"].as_i64().unwrap_or_default();
        if s("prev_hash") != prev {
            v.problems.push(format!(
                "audit entry {id} does not follow the one before it"
            ));
        }
        let h = crate::store::entry_hash(
            &prev,
            id,
            &s("at"),
            &s("actor"),
            &s("action"),
            &s("subject"),
            &s("details"),
        );
        if h != s("hash") {
            v.problems.push(format!(
                "audit entry {id} ({}) was changed: its hash does not match",
                s("action")
            ));
        }
        prev = s("hash");
        count += 1;
    }
    match head {
        Some(h) if *h == prev => v.passed.push(format!(
            "audit log: {count} entries chain to the recorded head {}",
            &h[..16.min(h.len())]
        )),
        Some(h) => v.problems.push(format!(
            "audit log: the chain ends at {prev}, not at the recorded head {h}"
        )),
        None if count == 0 => v.passed.push("audit log: empty".into()),
        None => v
            .problems
            .push("bag-info.txt records no Vigil-Audit-Head".into()),
    }
}

/// Verifies a pack; `key` is the public key (default: `PACK.pub` beside it, when present).
pub fn verify(path: &Path, key: Option<&Path>) -> Result<Verdict, String> {
    let files = read(path)?;
    let mut v = Verdict::default();
    let text = |name: &str| text(&files, name);
    if !text("bagit.txt").starts_with("BagIt-Version: 1.0") {
        v.problems
            .push("bagit.txt is missing or not BagIt 1.0".into());
    }
    let manifest = text("manifest-sha256.txt");
    let listed = check_manifest("manifest-sha256.txt", &manifest, &files, &mut v);
    let in_manifest: std::collections::BTreeSet<&str> = manifest
        .lines()
        .filter_map(|l| l.split_once("  ").map(|(_, f)| f))
        .collect();
    let mut octets = 0;
    let mut payload = 0;
    for (name, e) in files.iter().filter(|(n, _)| n.starts_with("data/")) {
        octets += e.len;
        payload += 1;
        if !in_manifest.contains(name.as_str()) {
            v.problems.push(format!(
                "{name} is in the pack but not in the manifest (added after packing)"
            ));
        }
    }
    v.passed
        .push(format!("manifest-sha256.txt: {listed} payload files match"));
    let tags = check_manifest(
        "tagmanifest-sha256.txt",
        &text("tagmanifest-sha256.txt"),
        &files,
        &mut v,
    );
    v.passed
        .push(format!("tagmanifest-sha256.txt: {tags} tag files match"));
    let info = bag_info(&files);
    let oxum = format!("{octets}.{payload}");
    match info.get("Payload-Oxum") {
        Some(o) if *o == oxum => v.passed.push(format!("Payload-Oxum {o}")),
        Some(o) => v
            .problems
            .push(format!("Payload-Oxum says {o}, the payload is {oxum}")),
        None => v.problems.push("bag-info.txt has no Payload-Oxum".into()),
    }
    match files
        .get("manifest-sha256.txt.minisig")
        .and_then(|e| e.bytes.as_ref())
    {
        None => v.problems.push(
            "the pack is not signed (make a key with `vigil keys new`, pack with --sign)".into(),
        ),
        Some(sig) => {
            let beside = path.with_extension("pub");
            let key_path = key
                .map(Path::to_path_buf)
                .or(beside.exists().then_some(beside));
            match key_path {
                None => v.problems.push(format!(
                    "no public key: pass --pub KEY (or keep {} beside the pack)",
                    path.with_extension("pub").display()
                )),
                Some(k) => match PublicKey::load(&k)
                    .map_err(|e| e.to_string())
                    .and_then(|pk| {
                        pk.verify(manifest.as_bytes(), &String::from_utf8_lossy(sig))
                            .map_err(|e| e.to_string())
                            .map(|c| (pk, c))
                    }) {
                    Ok((pk, comment)) => v.passed.push(format!(
                        "signature by key {} holds ({comment})",
                        pk.id_hex()
                    )),
                    Err(e) => v.problems.push(format!("signature: {e}")),
                },
            }
        }
    }
    check_audit(&files, info.get("Vigil-Audit-Head"), &mut v);
    Ok(v)
}
