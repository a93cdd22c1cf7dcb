//! Evidence packs: `vigil keys new`, `vigil report --pack --sign --upload`, `vigil report
//! verify`, and the stock tools an auditor would use instead (sha256sum, minisign, openssl),
//! on a pack as made and on tampered copies; the upload against moto's S3 with Object Lock.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

fn run(cmd: &mut Command) -> std::process::Output {
    cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
}

/// Unzips with Python's zipfile (no unzip on a fresh runner); the bag's folder.
fn unzip(zip: &Path, into: &Path) -> PathBuf {
    let out = run(Command::new("python3").args([
        "-c",
        "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
        zip.to_str().unwrap(),
        into.to_str().unwrap(),
    ]));
    assert!(out.status.success(), "{}", stderr(&out));
    // The bag's one folder (named when the pack was made, whatever the zip is called now).
    std::fs::read_dir(into)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
}

/// Rewrites one entry of a zip (as someone altering evidence would).
fn rewrite(zip: &Path, entry: &str, edit: &str) {
    let script = format!(
        "import sys, zipfile\nsrc = zipfile.ZipFile(sys.argv[1])\nitems = [(i, src.read(i)) for i in src.infolist()]\nsrc.close()\n\
         with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as dst:\n    for i, data in items:\n        if i.filename.endswith(sys.argv[2]):\n            data = {edit}\n        dst.writestr(i, data)\n"
    );
    let out = run(Command::new("python3").args(["-c", &script, zip.to_str().unwrap(), entry]));
    assert!(out.status.success(), "{}", stderr(&out));
}

fn sha256sum_ok(dir: &Path, manifest: &str) -> bool {
    run(Command::new("sha256sum")
        .args(["--quiet", "-c", manifest])
        .current_dir(dir))
    .status
    .success()
}

/// The Library of Congress's `bagit.py` (.ci/run installs it and sets `BAGIT_PY`).
fn bagit_py() -> Option<PathBuf> {
    let p = std::env::var_os("BAGIT_PY").map(PathBuf::from);
    if p.is_none() {
        skip("BAGIT_PY is not set (scripts/test installs bagit)");
    }
    p
}

/// `bagit.py --validate` on the bag's folder.
fn bagit_ok(dir: &Path) -> Option<bool> {
    let tool = bagit_py()?;
    Some(
        run(Command::new(&tool).args(["--validate", dir.to_str().unwrap()]))
            .status
            .success(),
    )
}

/// minisign, when installed (required in CI: .ci/run installs it).
fn minisign_ok(dir: &Path, public: &Path) -> Option<bool> {
    if Command::new("minisign").arg("-v").output().is_err() {
        skip("minisign is missing (apt-get install minisign)");
        return None;
    }
    let out = run(Command::new("minisign")
        .args([
            "-V",
            "-p",
            public.to_str().unwrap(),
            "-m",
            "manifest-sha256.txt",
        ])
        .current_dir(dir));
    Some(out.status.success())
}

/// OpenSSL on the raw Ed25519 signature inside the minisign file.
fn openssl_ok(dir: &Path, public: &Path) -> bool {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let pk_line = std::fs::read_to_string(public)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    let pk = b64.decode(pk_line).unwrap();
    let mut der = vec![
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    der.extend_from_slice(&pk[10..]);
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        b64.encode(der)
    );
    std::fs::write(dir.join("pub.pem"), pem).unwrap();
    let sig_line = std::fs::read_to_string(dir.join("manifest-sha256.txt.minisig"))
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    std::fs::write(dir.join("raw.sig"), &b64.decode(sig_line).unwrap()[10..]).unwrap();
    run(Command::new("openssl")
        .args([
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            "pub.pem",
            "-rawin",
            "-in",
            "manifest-sha256.txt",
            "-sigfile",
            "raw.sig",
        ])
        .current_dir(dir))
    .status
    .success()
}

fn verify(pack: &Path) -> (bool, String) {
    let out = vigil(&["report", "verify", pack.to_str().unwrap()]);
    (out.status.success(), stdout(&out))
}

#[test]
fn a_signed_pack_verifies_with_vigil_and_stock_tools_and_tampering_shows() {
    let moto = Moto::start();
    boto(
        &moto,
        "c('s3').create_bucket(Bucket='plain-logs')\n\
         c('s3').create_bucket(Bucket='evidence', ObjectLockEnabledForBucket=True)\n\
         c('s3').put_object_lock_configuration(Bucket='evidence', ObjectLockConfiguration={'ObjectLockEnabled': 'Enabled', 'Rule': {'DefaultRetention': {'Mode': 'COMPLIANCE', 'Days': 30}}})",
    );
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    scan_moto(&moto, &db, &[]);

    let key = dir.path().join("signing.key");
    let out = vigil(&["keys", "new", "--out", key.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("untrusted comment: minisign public key "));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let again = vigil(&["keys", "new", "--out", key.to_str().unwrap()]);
    assert!(
        stderr(&again).contains("not overwriting"),
        "{}",
        stderr(&again)
    );

    let pack = dir.path().join("evidence-2026-11.zip");
    let out = vigil(&[
        "report",
        "--db",
        &db,
        "--pack",
        pack.to_str().unwrap(),
        "--sign",
        key.to_str().unwrap(),
        "--upload",
        "s3://evidence/packs",
        "--endpoint-url",
        &moto.url,
        "--region",
        "us-east-1",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(
        said.contains("uploaded s3://evidence/packs/evidence-2026-11.zip"),
        "{said}"
    );
    assert!(said.contains("COMPLIANCE retention until"), "{said}");
    let public = dir.path().join("evidence-2026-11.pub");
    assert!(public.exists());

    // S3 holds the same bytes, checked by SHA-256, under the bucket's retention.
    let head = boto(
        &moto,
        "h = c('s3').head_object(Bucket='evidence', Key='packs/evidence-2026-11.zip', ChecksumMode='ENABLED')\n\
         print(json.dumps({'mode': h.get('ObjectLockMode'), 'until': str(h.get('ObjectLockRetainUntilDate')), 'sha': h.get('ChecksumSHA256'), 'len': h['ContentLength']}))",
    );
    let head: serde_json::Value = serde_json::from_str(head.trim()).unwrap();
    let bytes = std::fs::read(&pack).unwrap();
    use base64::Engine as _;
    use sha2::Digest as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&bytes));
    assert_eq!(head["mode"], "COMPLIANCE");
    assert_eq!(head["sha"], b64);
    assert_eq!(head["len"].as_u64(), Some(bytes.len() as u64));

    // As made: vigil, sha256sum, minisign and openssl agree.
    let (ok, said) = verify(&pack);
    assert!(ok, "{said}");
    assert!(
        said.contains("signature by key") && said.contains("audit log:"),
        "{said}"
    );
    let bag = unzip(&pack, &dir.path().join("as-made"));
    for f in [
        "bagit.txt",
        "bag-info.txt",
        "data/report.html",
        "data/assessment-results.json",
        "data/findings.sarif",
        "data/audit-log.ndjson",
        "data/coverage.json",
    ] {
        assert!(bag.join(f).exists(), "{f} is not in the pack");
    }
    let snapshot = std::fs::read_to_string(bag.join("data/snapshots/scan-1.json")).unwrap();
    assert!(snapshot.contains("arn:aws:s3:::plain-logs"));
    assert!(sha256sum_ok(&bag, "manifest-sha256.txt"));
    if bagit_py().is_some() {
        assert_eq!(
            bagit_ok(&bag),
            Some(true),
            "bagit.py rejects the pack as made"
        );
    }
    assert!(sha256sum_ok(&bag, "tagmanifest-sha256.txt"));
    assert!(openssl_ok(&bag, &public), "openssl rejects the signature");
    let minisign = minisign_ok(&bag, &public);
    assert_ne!(minisign, Some(false), "minisign rejects the signature");
    let audit = std::fs::read_to_string(bag.join("data/audit-log.ndjson")).unwrap();
    assert!(audit.contains("scan.record"));

    // One payload byte changed: vigil names the file, sha256sum fails.
    let changed = dir.path().join("changed.zip");
    std::fs::copy(&pack, &changed).unwrap();
    std::fs::copy(&public, changed.with_extension("pub")).unwrap();
    rewrite(
        &changed,
        "data/posture.csv",
        "data.replace(b'FAIL', b'PASS', 1)",
    );
    let (ok, said) = verify(&changed);
    assert!(
        !ok && said
            .contains("data/posture.csv: its SHA-256 is not the one manifest-sha256.txt lists"),
        "{said}"
    );
    let cbag = unzip(&changed, &dir.path().join("changed"));
    assert!(!sha256sum_ok(&cbag, "manifest-sha256.txt"));
    if bagit_py().is_some() {
        assert_eq!(
            bagit_ok(&cbag),
            Some(false),
            "bagit.py takes a changed payload"
        );
    }

    // The manifest re-hashed to match: the signature fails, with vigil, minisign and openssl.
    let forged = dir.path().join("forged.zip");
    std::fs::copy(&pack, &forged).unwrap();
    std::fs::copy(&public, forged.with_extension("pub")).unwrap();
    rewrite(
        &forged,
        "manifest-sha256.txt",
        "data.replace(b'data/posture.csv', b'data/posture.csv ', 1)",
    );
    let (ok, said) = verify(&forged);
    assert!(
        !ok && said.contains("signature: the signature does not match the manifest"),
        "{said}"
    );
    let fbag = unzip(&forged, &dir.path().join("forged"));
    assert!(!openssl_ok(&fbag, &public));
    if minisign.is_some() {
        assert_eq!(minisign_ok(&fbag, &public), Some(false));
    }

    // An audit entry altered in the pack: the chain breaks at it.
    let audited = dir.path().join("audited.zip");
    std::fs::copy(&pack, &audited).unwrap();
    std::fs::copy(&public, audited.with_extension("pub")).unwrap();
    rewrite(
        &audited,
        "data/audit-log.ndjson",
        "data.replace(b'\"actor\":\"vigil\"', b'\"actor\":\"mallory\"', 1)",
    );
    let (ok, said) = verify(&audited);
    assert!(
        !ok && said.contains("was changed: its hash does not match"),
        "{said}"
    );

    // Without the public key the signature cannot be checked, and vigil says so.
    std::fs::remove_file(audited.with_extension("pub")).unwrap();
    let (_, said) = verify(&audited);
    assert!(said.contains("no public key"), "{said}");

    // Every pack and upload is in the audit log.
    let log = vigil(&["audit", "list", "--db", &db, "--format", "json"]);
    let text = stdout(&log);
    assert!(
        text.contains("report.pack") && text.contains("report.upload"),
        "{}",
        stderr(&log)
    );
}
