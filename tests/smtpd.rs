//! aiosmtpd as the tests' mail server, started on a free port: plain, with STARTTLS or with
//! implicit TLS on a certificate signed by a CA made here by openssl, storing what it
//! receives in a Maildir that Python's `email` package parses back (headers, text and HTML
//! parts).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::free_port;

/// How the test server protects its connections.
#[derive(Clone, Copy, PartialEq)]
pub enum Tls {
    None,
    Starttls,
    Implicit,
    /// STARTTLS required, and AUTH required with [`LOGIN`].
    Login,
}

/// The account a [`Tls::Login`] server accepts.
pub const LOGIN: (&str, &str) = ("vigil-mailer", "s3cret pass");

/// aiosmtpd's command line cannot require AUTH: its `Controller`, with STARTTLS required
/// and an authenticator that takes only [`LOGIN`].
const LOGIN_SERVER: &str = r#"
import ssl, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword
port, maildir, cert, key, user, password = sys.argv[1:]
def check(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and data.login == user.encode() and data.password == password.encode()
    return AuthResult(success=ok, handled=False)
tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
tls.load_cert_chain(cert, key)
Controller(Mailbox(maildir), hostname="127.0.0.1", port=int(port), tls_context=tls,
           require_starttls=True, auth_required=True, authenticator=check).start()
while True:
    time.sleep(3600)
"#;

pub struct Smtpd {
    child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Drop for Smtpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Smtpd {
    pub fn start(tls: Tls) -> Smtpd {
        Self::start_on(tls, free_port())
    }

    pub fn start_on(tls: Tls, port: u16) -> Smtpd {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // A CA (trusted through `ca_file`) and the server's certificate signed by it.
        let script = r#"set -e
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=vigil-test-ca -keyout ca.key -out ca.pem \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout key.pem -out req.pem 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > ext.cnf
openssl x509 -req -in req.pem -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -extfile ext.cnf -out cert.pem 2>/dev/null
"#;
        let ok = Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(d)
            .status()
            .unwrap();
        assert!(ok.success(), "openssl made no certificates");
        let mut cmd = Command::new("python3");
        if tls == Tls::Login {
            cmd.arg("-c")
                .arg(LOGIN_SERVER)
                .arg(port.to_string())
                .arg(d.join("maildir"))
                .arg(d.join("cert.pem"))
                .arg(d.join("key.pem"))
                .args([LOGIN.0, LOGIN.1]);
        } else {
            cmd.args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ]);
            match tls {
                Tls::None => {}
                Tls::Starttls => {
                    cmd.arg("--tlscert")
                        .arg(d.join("cert.pem"))
                        .arg("--tlskey")
                        .arg(d.join("key.pem"));
                }
                Tls::Implicit => {
                    cmd.arg("--smtpscert")
                        .arg(d.join("cert.pem"))
                        .arg("--smtpskey")
                        .arg(d.join("key.pem"));
                }
                Tls::Login => unreachable!(),
            }
            cmd.arg(d.join("maildir"));
        }
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start (pip install aiosmtpd)"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Smtpd { child, port, dir }
    }

    /// The CA that signed the server's certificate.
    pub fn cert(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// The `[notify.smtp]` table for this server.
    pub fn config(&self, tls: &str) -> String {
        format!(
            "[notify.smtp]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"{tls}\"\nfrom = \"vigil <vigil@example.com>\"\nca_file = \"{}\"\ntimeout_seconds = 5\n",
            self.port,
            self.cert().display()
        )
    }

    /// Every message received: `{"headers": {...}, "to": [...], "text", "html"}`.
    pub fn messages(&self) -> Vec<Value> {
        read_maildir(&self.dir.path().join("maildir"))
    }

    /// Waits until `n` messages have arrived.
    pub fn wait_for(&self, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let m = self.messages();
            if m.len() >= n {
                return m;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {n} mails arrived",
                m.len()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

fn read_maildir(dir: &Path) -> Vec<Value> {
    const PARSE: &str = r#"
import email, email.policy, json, os, sys
d = os.path.join(sys.argv[1], "new")
out = []
for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
    with open(os.path.join(d, name), "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    text = m.get_body(("plain",))
    html = m.get_body(("html",))
    out.append({"headers": {k: str(v) for k, v in m.items()},
                "to": [a.strip() for a in str(m.get("X-RcptTo", "")).split(",") if a.strip()],
                "text": text.get_content() if text else None,
                "html": html.get_content() if html else None})
print(json.dumps(out))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(PARSE)
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
