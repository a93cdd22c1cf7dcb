//! Reaching a cluster: the client configuration from a kubeconfig context or the pod's
//! service account, and errors said without the credentials they may carry.

use std::path::PathBuf;

use kube::config::{KubeConfigOptions, Kubeconfig};

use super::{ClusterOptions, Error};
use crate::model::k8s::cluster_name;

/// Builds the client configuration and the cluster's name.
pub(super) async fn client_config(opts: &ClusterOptions) -> Result<(kube::Config, String), Error> {
    if opts.in_cluster {
        let cfg = kube::Config::incluster().map_err(|e| Error::Client {
            cluster: opts.name.clone().unwrap_or_else(|| "in-cluster".into()),
            message: format!(
                "in-cluster configuration (the pod's KUBERNETES_SERVICE_HOST/PORT and its mounted service account token; --in-cluster works only inside a pod): {}",
                chain(&e)
            ),
        })?;
        let name = opts.name.clone().unwrap_or_else(|| "in-cluster".into());
        return Ok((cfg, cluster_name(&name)));
    }
    let (kubeconfig, path) = match &opts.kubeconfig {
        Some(p) => (Kubeconfig::read_from(p), p.display().to_string()),
        None => (
            Kubeconfig::read(),
            std::env::var("KUBECONFIG").unwrap_or_else(|_| "~/.kube/config".into()),
        ),
    };
    let kubeconfig = match kubeconfig {
        Ok(k) => k,
        Err(e) if opts.kubeconfig.is_none() => {
            // No kubeconfig at all: in a pod, the service account is the natural default —
            // unless a context was asked for, which names another cluster.
            if let (None, Ok(cfg)) = (&opts.context, kube::Config::incluster()) {
                let name = opts.name.clone().unwrap_or_else(|| "in-cluster".into());
                return Ok((cfg, cluster_name(&name)));
            }
            let missing = std::env::var_os("KUBECONFIG").is_none()
                && !std::env::var_os("HOME")
                    .map(|h| PathBuf::from(h).join(".kube/config"))
                    .is_some_and(|p| p.exists());
            return Err(Error::Kubeconfig {
                path,
                message: if missing {
                    "not found ($KUBECONFIG is not set and ~/.kube/config does not exist), and \
                     vigil is not running in a cluster; pass --kubeconfig FILE, or --in-cluster in a pod"
                        .into()
                } else {
                    format!("{} (and vigil is not running in a cluster)", chain(&e))
                },
            });
        }
        Err(e) => {
            return Err(Error::Kubeconfig {
                path,
                message: chain(&e),
            })
        }
    };
    let context = opts
        .context
        .clone()
        .or_else(|| kubeconfig.current_context.clone());
    let Some(context) = context else {
        return Err(Error::Kubeconfig {
            path,
            message: "no current context; pass --context".into(),
        });
    };
    if !kubeconfig.contexts.iter().any(|c| c.name == context) {
        let known: Vec<&str> = kubeconfig
            .contexts
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        return Err(Error::Kubeconfig {
            path,
            message: format!(
                "no context `{context}` (contexts here: {})",
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                }
            ),
        });
    }
    let options = KubeConfigOptions {
        context: Some(context.clone()),
        ..Default::default()
    };
    let cfg = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| Error::Kubeconfig {
            path: path.clone(),
            message: format!("context `{context}`: {}", chain(&e)),
        })?;
    let name = opts.name.clone().unwrap_or(context);
    Ok((cfg, cluster_name(&name)))
}

/// An error and its causes on one line.
///
/// Errors that may quote credentials are never displayed as they are: an exec credential
/// plugin's failure carries its environment and output, and a YAML parse error quotes the
/// kubeconfig (or the plugin's output) around the fault, where tokens and keys live.
pub(super) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cur {
        if let Some(a) = c.downcast_ref::<kube::client::AuthError>() {
            return auth_error(a);
        }
        if let Some(kube::config::KubeconfigError::Parse(_)) =
            c.downcast_ref::<kube::config::KubeconfigError>()
        {
            return "the kubeconfig is not valid YAML (vigil does not quote it: it may hold credentials)".into();
        }
        cur = c.source();
    }
    crate::collect::error_chain(e)
}

/// Authentication failures, said without what they may carry.
fn auth_error(e: &kube::client::AuthError) -> String {
    use kube::client::AuthError as A;
    match e {
        A::AuthExecStart(io) => format!(
            "authenticating: the kubeconfig's exec credential plugin could not be started: {io}"
        ),
        A::AuthExecRun { out, .. } => format!(
            "authenticating: the kubeconfig's exec credential plugin failed ({}); run it by hand to see why (vigil does not print its output or environment: they may hold credentials)",
            out.status
        ),
        A::AuthExecParse(_) => "authenticating: the exec credential plugin's output is not a valid ExecCredential (not quoted: it may hold credentials)".into(),
        A::InvalidBasicAuth(_) | A::InvalidBearerToken(_) => {
            "authenticating: the kubeconfig's credentials cannot be sent as an HTTP header".into()
        }
        other => format!("authenticating: {other}"),
    }
}

/// A kube error as one readable line: the API's own status for API errors.
pub(super) fn describe(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(status) => {
            let reason = if status.reason.is_empty() {
                String::new()
            } else {
                format!(" {}", status.reason)
            };
            format!("HTTP {}{reason}: {}", status.code, status.message)
        }
        other => chain(other),
    }
}
