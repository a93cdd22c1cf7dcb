//! Test harness: a real moto server on a free port, the real `vigil` binary, boto3 scripts.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A moto server process, stopped on drop.
pub struct Moto {
    pub url: String,
    child: Child,
    _log: tempfile::NamedTempFile,
}

impl Moto {
    pub fn start() -> Moto {
        Self::start_with(&[])
    }

    /// Starts moto with extra environment (e.g. `INITIAL_NO_AUTH_ACTION_COUNT` to enforce IAM).
    pub fn start_with(env: &[(&str, &str)]) -> Moto {
        let port = free_port();
        let log = tempfile::NamedTempFile::new().unwrap();
        let mut cmd = Command::new("moto_server");
        cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()])
            // moto otherwise invents thousands of AMI snapshots owned by the test account.
            .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
            .stdin(Stdio::null())
            .stdout(log.reopen().unwrap())
            .stderr(log.reopen().unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().unwrap_or_else(|e| {
            panic!("cannot start moto_server ({e}); install it with: pip install \"moto[server]\"")
        });
        let url = format!("http://127.0.0.1:{port}");
        let moto = Moto {
            url,
            child,
            _log: log,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if http_get(port, "/moto-api/").is_some() {
                return moto;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut text = String::new();
        std::fs::File::open(moto._log.path())
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        panic!("moto_server did not answer on port {port} within 30 s; its log:\n{text}");
    }

    pub fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http_get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    buf.starts_with("HTTP/").then_some(buf)
}

/// Runs a Python/boto3 snippet against moto. `ENDPOINT` is set in its environment.
pub fn boto(moto: &Moto, script: &str) -> String {
    boto_as(moto, script, "testing", "testing")
}

pub fn boto_as(moto: &Moto, script: &str, key: &str, secret: &str) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(format!("import boto3, json, os\nEP = os.environ['ENDPOINT']\ndef c(svc, region='us-east-1'):\n    return boto3.client(svc, endpoint_url=EP, region_name=region)\n{script}"))
        .env("ENDPOINT", &moto.url)
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "boto3 script failed:\n{script}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs the real `vigil` binary with test credentials and no user config.
pub fn vigil(args: &[&str]) -> Output {
    vigil_env(args, &[])
}

pub fn vigil_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vigil"));
    cmd.args(args)
        .env_remove("VIGIL_CONFIG")
        .env_remove("VIGIL_DB")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("vigil runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            stdout(o),
            stderr(o)
        )
    })
}

pub fn db(dir: &Path) -> String {
    dir.join("vigil.db").display().to_string()
}

/// `(rule_id, resource_id)` of every active finding in a scan's JSON.
pub fn active(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] != "resolved")
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub fn finding<'a>(
    doc: &'a serde_json::Value,
    rule: &str,
    resource_contains: &str,
) -> Option<&'a serde_json::Value> {
    doc["findings"].as_array().unwrap().iter().find(|f| {
        f["rule_id"] == rule
            && f["resource_id"]
                .as_str()
                .unwrap()
                .contains(resource_contains)
    })
}
