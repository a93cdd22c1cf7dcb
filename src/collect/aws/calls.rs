//! What an API call answered, as vigil tells it: an SDK error as one line (code, message,
//! status, or the transport's causes), and the interceptor that counts every attempt and
//! every throttled answer per service.

use std::sync::Arc;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use crate::collect::error_chain;

/// An SDK error as one line: the service's error code and message with the HTTP status, or
/// the transport problem (timeout, connection refused, no credentials) with its causes.
pub fn err_text<E>(e: &aws_sdk_ec2::error::SdkError<E, HttpResponse>) -> String
where
    E: aws_sdk_ec2::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    use aws_sdk_ec2::error::SdkError;
    match e {
        SdkError::ServiceError(se) => {
            let status = se.raw().status().as_u16();
            let body = se
                .raw()
                .body()
                .bytes()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            // Emulators sometimes answer a JSON-protocol service with an XML error body.
            let code = se
                .err()
                .code()
                .map(str::to_string)
                .or_else(|| xml_tag(&body, "Code"));
            let msg = se
                .err()
                .message()
                .map(str::to_string)
                .or_else(|| xml_tag(&body, "Message"));
            match (code, msg) {
                (Some(code), Some(msg)) => format!("{code} (HTTP {status}): {msg}"),
                (Some(code), None) => format!("{code} (HTTP {status})"),
                _ => format!("HTTP {status}: {}", error_chain(e)),
            }
        }
        other => error_chain(other),
    }
}

fn xml_tag(body: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{tag}>"))? + start;
    Some(body[start..end].to_string())
}

/// An SDK error's service error code, when the service returned one.
pub fn err_code<E, R>(e: &aws_sdk_ec2::error::SdkError<E, R>) -> Option<String>
where
    E: aws_sdk_ec2::error::ProvideErrorMetadata,
{
    e.as_service_error()
        .and_then(|s| s.code())
        .map(str::to_string)
}

/// An SDK interceptor counting every attempt sent and every throttled answer (HTTP 429, or
/// one of the throttling error codes the SDK's own retry classifier knows).
#[derive(Debug, Clone)]
pub struct CountCalls(pub(super) Arc<crate::collect::ApiStats>);

const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

fn service_of(cfg: &aws_smithy_types::config_bag::ConfigBag) -> String {
    cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>()
        // The SDK's service name's words joined, without a trailing `Service`: `Config
        // Service` is `config`, as IAM's action prefix spells it; `CloudWatch Logs` is
        // `cloudwatchlogs`, as `collectors.aws.services` names it.
        .map(|m| service_name(m.service()))
        .unwrap_or_else(|| "unknown".into())
}

fn service_name(sdk: &str) -> String {
    let words: Vec<&str> = sdk.split_whitespace().collect();
    let words = match words.split_last() {
        Some((last, rest)) if *last == "Service" && !rest.is_empty() => rest,
        _ => &words[..],
    };
    words.concat().to_ascii_lowercase()
}

#[cfg(test)]
#[test]
fn service_names_as_the_service_table_spells_them() {
    assert_eq!(service_name("Config Service"), "config");
    assert_eq!(service_name("CloudWatch Logs"), "cloudwatchlogs");
    assert_eq!(
        service_name("Elastic Load Balancing v2"),
        "elasticloadbalancingv2"
    );
    assert_eq!(service_name("Secrets Manager"), "secretsmanager");
    assert_eq!(service_name("EC2"), "ec2");
}

impl aws_smithy_runtime_api::client::interceptors::Intercept for CountCalls {
    fn name(&self) -> &'static str {
        "vigil::collect::aws::CountCalls"
    }

    /// Names the operation in the attempt's extensions, for the pacer's buckets (`pace.rs`);
    /// it is never sent.
    fn modify_before_transmit(
        &self,
        ctx: &mut aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut<'_>,
        _rc: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        if let Some(m) = cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>() {
            ctx.request_mut()
                .add_extension(super::pace::Operation(m.name().to_string()));
        }
        Ok(())
    }

    fn read_before_transmit(
        &self,
        _ctx: &aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef<'_>,
        _rc: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        let service = service_of(cfg);
        if let Some(m) = cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>() {
            // `--log-level collect::aws::api=debug` lists every request (retries included).
            tracing::debug!(target: "collect::aws::api", service = %service, operation = m.name(), "request");
        }
        self.0.record("aws", &service, false);
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        ctx: &aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef<'_>,
        _rc: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        let response = ctx.response();
        let status = response.status().as_u16();
        let throttled = status == 429
            || (status >= 400
                && response.body().bytes().is_some_and(|b| {
                    let text = String::from_utf8_lossy(&b[..b.len().min(4096)]);
                    THROTTLING_CODES.iter().any(|code| {
                        // As an XML element or a JSON value/`__type` suffix.
                        text.contains(&format!(">{code}<"))
                            || text.contains(&format!("\"{code}\""))
                            || text.contains(&format!("#{code}\""))
                    })
                }));
        if throttled {
            self.0.record("aws", &service_of(cfg), true);
        }
        Ok(())
    }
}
