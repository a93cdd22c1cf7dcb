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
        // moto's own server, with the Access Analyzer calls moto lacks (see the script).
        let mut cmd = Command::new("python3");
        cmd.arg(repo().join("scripts/moto_server.py"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
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

/// `vigil scan ARGS` run from the repository's root, so file names are as a CI job gives
/// them; no user config, no standard input.
pub fn scan_in_repo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigil"))
        .current_dir(repo())
        .arg("scan")
        .args(args)
        .env_remove("VIGIL_CONFIG")
        .env("HOME", tempfile::tempdir().unwrap().path())
        .stdin(Stdio::null())
        .output()
        .unwrap()
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

/// `vigil scan` of moto's us-east-1 into `db`, with `extra` arguments.
pub fn scan_moto(moto: &Moto, db: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "scan",
        "--endpoint-url",
        &moto.url,
        "--region",
        "us-east-1",
        "--db",
        db,
    ];
    args.extend_from_slice(extra);
    vigil(&args)
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

/// Starts tests/fixtures/throttle_proxy.py in front of moto, throttling the first `times`
/// calls of `action` (`ACTION@REGION` or `*@REGION` for one region); returns the process and
/// its URL.
pub fn throttling_proxy(moto: &Moto, action: &str, times: u32) -> (std::process::Child, String) {
    proxy(moto, action, times, &[])
}

/// Starts tests/fixtures/throttle_proxy.py with extra environment (`PROXY_DELAY_SECONDS`).
pub fn proxy(
    moto: &Moto,
    action: &str,
    times: u32,
    env: &[(&str, &str)],
) -> (std::process::Child, String) {
    use std::io::BufRead;
    let port = free_port();
    let mut child = std::process::Command::new("python3")
        .arg(repo().join("tests/fixtures/throttle_proxy.py"))
        .args([&moto.url, &port.to_string(), action, &times.to_string()])
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "ready");
    (child, format!("http://127.0.0.1:{port}"))
}

/// A stand-in Kubernetes API server (`tests/fixtures/k8s_api.py`) serving a copy of a
/// recorded cluster from `tests/fixtures/k8s/<name>`, so a test can change the cluster
/// between scans. Stopped on drop.
pub struct K8sApi {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: Child,
}

impl K8sApi {
    pub fn start(fixture: &str) -> K8sApi {
        let dir = tempfile::tempdir().unwrap();
        let src = repo().join("tests/fixtures/k8s").join(fixture);
        for e in std::fs::read_dir(&src).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
        }
        let mut child = Command::new("python3")
            .arg(repo().join("tests/fixtures/k8s_api.py"))
            .arg(dir.path())
            .arg("--log")
            .arg(dir.path().join("requests.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs tests/fixtures/k8s_api.py");
        let mut line = String::new();
        {
            use std::io::BufRead as _;
            let out = child.stdout.take().unwrap();
            std::io::BufReader::new(out).read_line(&mut line).unwrap();
        }
        let port: u16 = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("k8s_api.py printed {line:?} instead of its port"));
        K8sApi { port, dir, child }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Writes a kubeconfig with one context per (context name, token) pointing at this server.
    pub fn kubeconfig(&self, contexts: &[(&str, &str)]) -> PathBuf {
        let mut text = String::from("apiVersion: v1\nkind: Config\nclusters:\n");
        text.push_str(&format!(
            "- name: fake\n  cluster:\n    server: {}\n",
            self.url()
        ));
        text.push_str("contexts:\n");
        for (name, _) in contexts {
            text.push_str(&format!(
                "- name: {name}\n  context:\n    cluster: fake\n    user: {name}-user\n"
            ));
        }
        text.push_str(&format!("current-context: {}\nusers:\n", contexts[0].0));
        for (name, token) in contexts {
            text.push_str(&format!(
                "- name: {name}-user\n  user:\n    token: {token}\n"
            ));
        }
        let path = self.dir.path().join("kubeconfig");
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Every request the server answered so far, as `GET /path?query`.
    pub fn requests(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("requests.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    pub fn read(&self, file: &str) -> serde_json::Value {
        let text = std::fs::read_to_string(self.dir.path().join(file)).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    /// Replaces a file by renaming a new one over it, so the server sees a new inode even
    /// when size and mtime happen to match the old file's.
    pub fn write(&self, file: &str, doc: &serde_json::Value) {
        let tmp = self.dir.path().join(format!(".{file}.new"));
        std::fs::write(&tmp, serde_json::to_string_pretty(doc).unwrap()).unwrap();
        std::fs::rename(&tmp, self.dir.path().join(file)).unwrap();
    }

    /// Changes the cluster's objects in place.
    pub fn edit_objects(&self, f: impl FnOnce(&mut Vec<serde_json::Value>)) {
        let mut doc = self.read("objects.json");
        f(doc["items"].as_array_mut().unwrap());
        self.write("objects.json", &doc);
    }

    /// Sets (or with None clears) the error the server answers for a path.
    pub fn set_error(&self, path: &str, error: Option<serde_json::Value>) {
        let mut server = self.read("server.json");
        let errors = server["errors"].as_object_mut().unwrap();
        match error {
            Some(e) => {
                errors.insert(path.to_string(), e);
            }
            None => {
                errors.remove(path);
            }
        }
        self.write("server.json", &server);
    }
}

impl Drop for K8sApi {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A real kube-apiserver (with etcd) started by the start script named in
/// `VIGIL_KUBE_APISERVER_START` (`.ci/run` sets it), on free loopback ports; stopped on drop.
/// Its kubeconfig has the contexts `admin` (system:masters) and `reader` (user `reader`,
/// no rights until a Role or ClusterRole binds it).
pub struct RealKube {
    pub kubeconfig: PathBuf,
    stop: PathBuf,
    _dir: tempfile::TempDir,
}

impl RealKube {
    /// None (and a note on stderr) when no API server is available here.
    pub fn start() -> Option<RealKube> {
        let Some(script) = std::env::var_os("VIGIL_KUBE_APISERVER_START") else {
            skip("no real kube-apiserver: VIGIL_KUBE_APISERVER_START is not set (scripts/test sets it to the start script in VIGIL_K8S_DIR)");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let run = dir.path().join("k8s");
        let out = Command::new(&script)
            .arg(&run)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", PathBuf::from(&script).display()));
        assert!(
            out.status.success(),
            "the API server did not start:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(RealKube {
            kubeconfig: run.join("kubeconfig"),
            stop: run.join("stop.sh"),
            _dir: dir,
        })
    }

    /// Runs kubectl as admin (unless `args` name another context), with `stdin` if given.
    pub fn kubectl(&self, args: &[&str], stdin: Option<&str>) -> String {
        let mut cmd = Command::new("kubectl");
        cmd.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("kubectl runs");
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "kubectl {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `kubectl apply -f -` as admin.
    pub fn apply(&self, yaml: &str) {
        self.kubectl(&["apply", "-f", "-"], Some(yaml));
    }
}

impl Drop for RealKube {
    fn drop(&mut self) {
        let _ = Command::new(&self.stop).status();
    }
}

/// Every file under `dir` (recursively) as one lossy string, to search for planted values.
pub fn all_bytes(dir: &Path) -> String {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(all_bytes(&p).into_bytes());
        } else {
            out.extend(std::fs::read(&p).unwrap());
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `kubectl kustomize DIR`; None (after saying so) when kubectl is not installed, except in CI
/// (`CI=true`), where a missing kubectl fails the test.
pub fn kustomize(dir: &str) -> Option<String> {
    let in_ci = in_ci();
    match Command::new("kubectl")
        .arg("kustomize")
        .arg(repo().join(dir))
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) => {
            assert!(
                out.status.success(),
                "kubectl kustomize {dir} failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8(out.stdout).expect("kustomize writes UTF-8"))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !in_ci => {
            skip(&format!(
                "kubectl is not installed, so {dir} cannot be rendered"
            ));
            None
        }
        Err(e) => {
            panic!("cannot run `kubectl kustomize {dir}` ({e}); CI needs kubectl on its PATH")
        }
    }
}

/// Skips the running test's part that needs a missing tool, where the user sees it: in CI
/// (`CI=true`) the test fails instead; elsewhere `SKIPPED: <test>: <why>` goes to stderr and
/// a line to the file named by `VIGIL_TEST_SKIPS`, which `scripts/test` counts and prints at
/// the end (cargo hides a passing test's stderr).
pub fn skip(why: &str) {
    let test = std::thread::current()
        .name()
        .unwrap_or("(unnamed test)")
        .to_string();
    assert!(
        !in_ci(),
        "{test}: {why} (CI must provide it; see scripts/test)"
    );
    eprintln!("SKIPPED: {test}: {why}");
    if let Some(path) = std::env::var_os("VIGIL_TEST_SKIPS") {
        let line = format!("{test}: {why}\n");
        let _ = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| f.write_all(line.as_bytes()));
    }
}

/// Whether this is CI (`CI=true`, as `.ci/run` sets it): there a missing test tool fails the
/// test instead of skipping it.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}
