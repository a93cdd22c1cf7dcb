//! A headless chromium driven through chromedriver's WebDriver API (plain HTTP, through
//! ureq): the approval page's and the HTML report's tests.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::*;

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub(crate) struct Browser {
    driver: Child,
    base: String,
    session: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = ureq::delete(format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn call(method: &str, url: &str, body: Option<Value>) -> Value {
    let v = try_call(method, url, body);
    assert!(v.get("error").is_none(), "WebDriver {method} {url}: {v}");
    v
}

/// A WebDriver command's value, errors included (`{"error": …}`).
fn try_call(method: &str, url: &str, body: Option<Value>) -> Value {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let mut r = match (method, body) {
        ("GET", _) => agent.get(url).call().unwrap(),
        ("DELETE", _) => agent.delete(url).call().unwrap(),
        (_, b) => agent.post(url).send_json(b.unwrap_or(json!({}))).unwrap(),
    };
    let raw = r.body_mut().read_to_string().unwrap_or_default();
    let v: Value = serde_json::from_str(&raw)
        .unwrap_or_else(|e| panic!("WebDriver {method} {url}: {e}: {raw}"));
    v["value"].clone()
}

impl Browser {
    /// chromedriver and a headless chromium; None (the test skips) when they are missing
    /// outside CI.
    pub(crate) fn start() -> Option<Browser> {
        let found = Command::new("chromedriver")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            skip("chromedriver is missing (apt-get install chromium chromium-driver)");
            return None;
        }
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "goog:chromeOptions": {"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]},
            "goog:loggingPrefs": {"browser": "ALL"}}}});
        let s = call("POST", &format!("{base}/session"), Some(caps));
        let session = s["sessionId"].as_str().unwrap().to_string();
        Some(Browser {
            driver,
            base,
            session,
        })
    }

    pub(crate) fn at(&self, path: &str) -> String {
        format!("{}/session/{}{path}", self.base, self.session)
    }

    pub(crate) fn goto(&self, url: &str) {
        call("POST", &self.at("/url"), Some(json!({"url": url})));
    }

    pub(crate) fn find(&self, css: &str) -> String {
        let e = call(
            "POST",
            &self.at("/element"),
            Some(json!({"using": "css selector", "value": css})),
        );
        e[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("{css}: {e}"))
            .to_string()
    }

    pub(crate) fn text(&self, css: &str) -> String {
        let id = self.find(css);
        call("GET", &self.at(&format!("/element/{id}/text")), None)
            .as_str()
            .unwrap()
            .to_string()
    }

    pub(crate) fn fill(&self, css: &str, value: &str) {
        let id = self.find(css);
        call(
            "POST",
            &self.at(&format!("/element/{id}/clear")),
            Some(json!({})),
        );
        call(
            "POST",
            &self.at(&format!("/element/{id}/value")),
            Some(json!({"text": value})),
        );
    }

    pub(crate) fn click(&self, css: &str) {
        let id = self.find(css);
        call(
            "POST",
            &self.at(&format!("/element/{id}/click")),
            Some(json!({})),
        );
    }

    /// Waits until the page a click started has loaded with this title.
    pub(crate) fn wait_title(&self, want: &str) {
        let script = "return document.readyState === 'complete' ? document.title : null";
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let t = try_call(
                "POST",
                &self.at("/execute/sync"),
                Some(json!({"script": script, "args": []})),
            );
            if t == want {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the page's title is {t}, not {want}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub(crate) fn run(&self, script: &str) -> Value {
        call(
            "POST",
            &self.at("/execute/sync"),
            Some(json!({"script": script, "args": []})),
        )
    }

    /// The console's messages since the last call (errors, CSP reports).
    pub(crate) fn console(&self) -> Vec<Value> {
        call(
            "POST",
            &self.at("/se/log"),
            Some(json!({"type": "browser"})),
        )
        .as_array()
        .cloned()
        .unwrap_or_default()
    }
}

impl Browser {
    /// Saves a PNG of the window (a CI artifact).
    pub(crate) fn screenshot(&self, path: &std::path::Path) {
        use base64::Engine as _;
        let png = call("GET", &self.at("/screenshot"), None);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    pub(crate) fn resize(&self, width: u32, height: u32) {
        call(
            "POST",
            &self.at("/window/rect"),
            Some(json!({"width": width, "height": height})),
        );
    }
}
