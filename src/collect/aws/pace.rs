//! Paced sends, per (account, region, service) and, for operations AWS gives a quota of
//! their own, per operation (`quotas.rs`): AWS throttles each account's API per region, so
//! each account's SDK config gets its own [`Pace`], which wraps the HTTP client and waits
//! for a token of the call's bucket before every attempt, retries included. Once a second (every 0.2 s once 16 calls went out) each bucket's rate is judged
//! on that window's answers: more than half throttled halves it, none throttled raises it by
//! a tenth (up to where it started), a few throttled among many leave it. The starting rates
//! are AWS's published read quotas (`quotas.rs`).
//!
//! The same wrapper bounds the account's attempts in flight (`max_concurrency`): a slot is
//! taken after the token, held until the answer's head (and a 400's small body) is read.
//!
//! The (region, service) of a call is read from its SigV4 credential scope, its operation
//! from the [`Operation`] the call counter puts in the request's extensions. A throttled
//! answer is seen by its status (429; 503 as EC2's `RequestLimitExceeded` and S3's `SlowDown`
//! answer), its `x-amzn-ErrorType` (the JSON services), or the error code in a 400's body (the
//! query services' `Throttling`). A throttled answer's `Retry-After` (seconds, at most 20)
//! holds its bucket that long.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;

#[derive(Debug)]
struct Bucket {
    /// The rate it starts at, which is also the most it goes back up to.
    start: f64,
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
    /// This second's attempts and throttled answers.
    window: Instant,
    attempts: u32,
    throttles: u32,
    /// No call before this: a throttled answer's `Retry-After`.
    held: Option<Instant>,
}

/// The least a rate falls to, in calls a second.
const FLOOR: f64 = 0.5;

/// The longest a `Retry-After` holds a bucket, whatever it says.
const MAX_HOLD: Duration = Duration::from_secs(20);

impl Bucket {
    fn new(bucket: &str, now: Instant) -> Self {
        let (rate, burst) = super::quotas::starting_rate(bucket);
        Bucket {
            start: rate,
            rate,
            burst,
            tokens: burst,
            last: now,
            window: now,
            attempts: 0,
            throttles: 0,
            held: None,
        }
    }

    /// Tokens as of `now`, and once a second (sooner for a busy bucket) the rate judged on
    /// that window's answers:
    /// more than half throttled halves it (the rate is far above what AWS allows); none
    /// throttled raises it by a tenth, up to where it started. A few throttled answers
    /// among many leave it as it is: AWS throttles some calls at any rate, and cutting on
    /// each would sink the rate to its floor.
    fn refill(&mut self, now: Instant) {
        let dt = now.duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + dt * self.rate).min(self.burst);
        self.last = now;
        let elapsed = now.duration_since(self.window);
        // A second, or sooner when a fast bucket has already seen enough answers.
        if elapsed >= Duration::from_secs(1)
            || (elapsed >= Duration::from_millis(200) && self.attempts >= 16)
        {
            if self.attempts >= 4 && self.throttles * 2 > self.attempts {
                self.rate = (self.rate / 2.0).max(FLOOR);
                self.tokens = self.tokens.min(1.0);
            } else if self.throttles == 0 && self.attempts > 0 {
                self.rate = (self.rate * 1.1).min(self.start);
            }
            self.window = now;
            self.attempts = 0;
            self.throttles = 0;
        }
    }

    /// None to go now (a token taken), else how long to wait.
    fn take(&mut self, now: Instant) -> Option<Duration> {
        if let Some(until) = self.held.filter(|u| *u > now) {
            return Some(until - now);
        }
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            self.attempts += 1;
            None
        } else {
            Some(Duration::from_secs_f64((1.0 - self.tokens) / self.rate))
        }
    }

    /// A throttled answer; `retry_after` is how long it asked to wait, if it did.
    fn throttled(&mut self, now: Instant, retry_after: Option<Duration>) {
        self.refill(now);
        self.throttles += 1;
        if let Some(d) = retry_after {
            let until = now + d.min(MAX_HOLD);
            self.held = Some(self.held.map_or(until, |h| h.max(until)));
        }
    }
}

/// A `Retry-After` in seconds (AWS's services that send one send seconds, not a date).
fn retry_after(value: &str) -> Option<Duration> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
}

/// The operation a request is for (`ListTagsForResource`), which the call counter puts in
/// each attempt's extensions: some operations have a quota of their own (`quotas.rs`).
#[derive(Debug, Clone)]
pub struct Operation(pub String);

/// One account's buckets, by (region, bucket), and its bound on calls in flight.
#[derive(Debug)]
pub struct Pace {
    buckets: Mutex<HashMap<(String, String), Bucket>>,
    in_flight: tokio::sync::Semaphore,
}

impl Pace {
    /// At most `in_flight` attempts of this account's calls at once (`max_concurrency`).
    pub fn new(in_flight: usize) -> Pace {
        Pace {
            buckets: Mutex::default(),
            in_flight: tokio::sync::Semaphore::new(in_flight.max(1)),
        }
    }

    /// Waits for a token of this (region, service).
    pub async fn ready(&self, key: &(String, String)) {
        loop {
            let wait = {
                let mut b = self.buckets.lock().expect("not poisoned");
                let now = Instant::now();
                b.entry(key.clone())
                    .or_insert_with(|| Bucket::new(&key.1, now))
                    .take(now)
            };
            match wait {
                None => return,
                Some(d) => tokio::time::sleep(d).await,
            }
        }
    }

    pub fn throttled(&self, key: &(String, String), retry_after: Option<Duration>) {
        let mut b = self.buckets.lock().expect("not poisoned");
        let now = Instant::now();
        b.entry(key.clone())
            .or_insert_with(|| Bucket::new(&key.1, now))
            .throttled(now, retry_after);
    }

    /// `inner` with every attempt paced.
    pub fn wrap(self: &Arc<Self>, inner: SharedHttpClient) -> SharedHttpClient {
        SharedHttpClient::new(PacedClient {
            inner,
            pace: self.clone(),
        })
    }
}

/// `(region, service)` from a SigV4 `Authorization` header's credential scope.
pub fn scope_of(authorization: &str) -> Option<(String, String)> {
    let scope = authorization
        .split("Credential=")
        .nth(1)?
        .split(',')
        .next()?;
    let mut parts = scope.split('/').skip(2);
    Some((parts.next()?.to_string(), parts.next()?.to_string()))
}

#[derive(Debug)]
struct PacedClient {
    inner: SharedHttpClient,
    pace: Arc<Pace>,
}

impl HttpClient for PacedClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(PacedConnector {
            inner: self.inner.http_connector(settings, components),
            pace: self.pace.clone(),
        })
    }
}

#[derive(Debug)]
struct PacedConnector {
    inner: SharedHttpConnector,
    pace: Arc<Pace>,
}

impl HttpConnector for PacedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let operation = request.extension::<Operation>().map(|o| o.0.as_str());
        let key = request
            .headers()
            .get("authorization")
            .and_then(scope_of)
            .map(|(region, service)| (region, super::quotas::bucket(&service, operation)));
        let (inner, pace) = (self.inner.clone(), self.pace.clone());
        HttpConnectorFuture::new(async move {
            if let Some(k) = &key {
                pace.ready(k).await;
            }
            // The slot is taken once the bucket let the call go, so a call waiting for its
            // service's rate never holds a slot another service could use.
            let _slot = pace.in_flight.acquire().await.expect("never closed");
            let sent = Instant::now();
            let mut answer = inner.call(request).await;
            if let (Some(k), Ok(r)) = (&key, &mut answer) {
                if throttled(r).await {
                    let wait = r.headers().get("retry-after").and_then(retry_after);
                    pace.throttled(k, wait);
                }
            }
            // One line per attempt sent (`collect::aws::sent=debug`): when its slot was
            // held and for how long, which the latency bench reads.
            tracing::debug!(target: "collect::aws::sent",
                service = key.as_ref().map_or("", |k| k.1.as_str()),
                micros = sent.elapsed().as_micros() as u64, "answered");
            answer
        })
    }
}

/// Whether an answer is a throttled one: by its status (429; 503 as EC2's
/// `RequestLimitExceeded` and S3's `SlowDown` answer), its `x-amzn-ErrorType` (the JSON
/// services), or, for a 400 of the query services (IAM, STS, RDS answer `Throttling` in the
/// body only), its error code: such a body is small and read here, then put back whole.
async fn throttled(r: &mut HttpResponse) -> bool {
    let status = r.status().as_u16();
    let typed = r
        .headers()
        .get("x-amzn-errortype")
        .is_some_and(|t| t.contains("Throttl") || t.contains("TooManyRequests"));
    if status == 429 || status == 503 || typed {
        return true;
    }
    if status != 400 {
        return false;
    }
    let body = std::mem::replace(r.body_mut(), SdkBody::taken());
    match ByteStream::new(body).collect().await {
        Ok(bytes) => {
            let bytes = bytes.into_bytes();
            let text = String::from_utf8_lossy(&bytes);
            let code = [
                "<Code>Throttling</Code>",
                "<Code>RequestLimitExceeded</Code>",
                "<Code>TooManyRequestsException</Code>",
                "<Code>RequestThrottled</Code>",
            ]
            .iter()
            .any(|c| text.contains(c));
            *r.body_mut() = SdkBody::from(bytes);
            code
        }
        // The body could not be read: the SDK reads the same error from the empty body.
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mostly_throttled_seconds_halve_the_rate_quiet_ones_raise_it_a_few_leave_it() {
        let t0 = Instant::now();
        let mut b = Bucket::new("ec2", t0);
        assert_eq!(b.rate, 20.0);
        let second = |b: &mut Bucket, at: u64, attempts: u32, throttles: u32| {
            let now = t0 + Duration::from_secs(at);
            b.refill(now);
            b.attempts = attempts;
            b.throttles = throttles;
            b.refill(now + Duration::from_secs(1));
        };
        second(&mut b, 0, 10, 8);
        assert_eq!(b.rate, 10.0, "most answers throttled: halved");
        second(&mut b, 1, 10, 3);
        assert_eq!(b.rate, 10.0, "a few throttled (random ones): held");
        second(&mut b, 2, 10, 0);
        assert!((b.rate - 11.0).abs() < 1e-9, "a quiet second: up a tenth");
        for at in 3..30 {
            second(&mut b, at, 10, 0);
        }
        assert_eq!(b.rate, 20.0, "never above where it started");
        for at in 30..50 {
            second(&mut b, at, 10, 10);
        }
        assert_eq!(b.rate, FLOOR);
    }

    #[test]
    fn tokens_run_out_and_the_wait_follows_the_rate() {
        let t0 = Instant::now();
        let mut b = Bucket::new("iam", t0);
        for _ in 0..10 {
            assert!(b.take(t0).is_none());
        }
        let wait = b.take(t0).expect("the burst is spent");
        assert!((wait.as_secs_f64() - 0.1).abs() < 1e-6, "{wait:?}");
    }

    #[test]
    fn a_retry_after_holds_the_bucket_that_long_and_no_longer_than_the_cap() {
        let t0 = Instant::now();
        let mut b = Bucket::new("s3", t0);
        b.throttled(t0, retry_after("2"));
        let wait = b.take(t0 + Duration::from_millis(500)).expect("held");
        assert_eq!(wait, Duration::from_millis(1500));
        assert!(b.take(t0 + Duration::from_secs(2)).is_none(), "released");
        b.throttled(t0, retry_after("3600"));
        assert_eq!(b.take(t0).unwrap(), MAX_HOLD);
        assert_eq!(retry_after("Wed, 21 Oct 2026 07:28:00 GMT"), None);
        assert_eq!(retry_after("0.25"), Some(Duration::from_millis(250)));
        assert_eq!(retry_after("1e30"), None);
        assert_eq!(retry_after("-1"), None);
    }

    fn answer(status: u16, body: &'static str, header: Option<(&str, &str)>) -> HttpResponse {
        let mut r = HttpResponse::new(status.try_into().unwrap(), SdkBody::from(body));
        if let Some((k, v)) = header {
            r.headers_mut().insert(k.to_string(), v.to_string());
        }
        r
    }

    #[tokio::test]
    async fn throttled_answers_are_known_by_status_header_or_a_400_s_code() {
        let query = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>";
        let mut r = answer(400, query, None);
        assert!(throttled(&mut r).await);
        assert_eq!(
            r.body().bytes(),
            Some(query.as_bytes()),
            "the body is put back"
        );
        let denied = "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>";
        let mut r = answer(400, denied, None);
        assert!(!throttled(&mut r).await);
        assert_eq!(r.body().bytes(), Some(denied.as_bytes()));
        assert!(throttled(&mut answer(503, "", None)).await);
        assert!(
            throttled(&mut answer(
                400,
                "{}",
                Some(("x-amzn-ErrorType", "ThrottlingException"))
            ))
            .await
        );
        assert!(!throttled(&mut answer(200, "<ok/>", None)).await);
    }

    /// An endpoint that answers after 20 ms and keeps the most attempts it had at once.
    #[derive(Debug, Default)]
    struct Counts {
        now: std::sync::atomic::AtomicUsize,
        most: std::sync::atomic::AtomicUsize,
    }

    #[derive(Debug, Clone)]
    struct Slow(Arc<Counts>);

    impl HttpConnector for Slow {
        fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
            use std::sync::atomic::Ordering::SeqCst;
            let me = self.0.clone();
            HttpConnectorFuture::new(async move {
                let n = me.now.fetch_add(1, SeqCst) + 1;
                me.most.fetch_max(n, SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                me.now.fetch_sub(1, SeqCst);
                Ok(HttpResponse::new(200.try_into().unwrap(), SdkBody::empty()))
            })
        }
    }

    fn signed(region: &str, service: &str, operation: &str) -> HttpRequest {
        let mut r = HttpRequest::empty();
        r.headers_mut().insert(
            "authorization",
            format!("AWS4-HMAC-SHA256 Credential=AKIA/20261207/{region}/{service}/aws4_request, SignedHeaders=host, Signature=abc"),
        );
        r.add_extension(Operation(operation.into()));
        r
    }

    #[tokio::test]
    async fn attempts_in_flight_stay_within_the_bound_and_an_operation_with_a_quota_of_its_own_draws_from_its_own_bucket(
    ) {
        let endpoint = Arc::new(Counts::default());
        let pace = Arc::new(Pace::new(3));
        let conn = PacedConnector {
            inner: SharedHttpConnector::new(Slow(endpoint.clone())),
            pace: pace.clone(),
        };
        let calls = (0..12).map(|i| {
            let op = if i % 2 == 0 {
                "ListTagsForResource"
            } else {
                "DescribeLogGroups"
            };
            conn.call(signed("eu-west-1", "logs", op))
        });
        for answer in futures::future::join_all(calls).await {
            assert_eq!(answer.unwrap().status().as_u16(), 200);
        }
        assert_eq!(
            endpoint.most.load(std::sync::atomic::Ordering::SeqCst),
            3,
            "never more than the bound, and the bound used"
        );
        let buckets = pace.buckets.lock().unwrap();
        let mut keys: Vec<_> = buckets.keys().map(|(r, b)| format!("{r} {b}")).collect();
        keys.sort();
        assert_eq!(
            keys,
            ["eu-west-1 logs", "eu-west-1 logs:ListTagsForResource"]
        );
        assert_eq!(
            buckets[&("eu-west-1".into(), "logs:ListTagsForResource".into())].start,
            5.0
        );
    }

    #[test]
    fn the_scope_is_read_from_the_signature() {
        let auth = "AWS4-HMAC-SHA256 Credential=AKIA/20261207/eu-west-1/ec2/aws4_request, SignedHeaders=host, Signature=abc";
        assert_eq!(scope_of(auth), Some(("eu-west-1".into(), "ec2".into())));
        assert_eq!(scope_of("Bearer x"), None);
    }
}
