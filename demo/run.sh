#!/usr/bin/env bash
# The bundled demo: no AWS account and no cluster needed.
#  1. starts moto's AWS emulator, populates it with a small estate (some of it compliant,
#     some not) and scans two regions;
#  2. starts a stand-in Kubernetes API server that serves a recorded cluster
#     (tests/fixtures/k8s/cluster-a) and scans it with `--target kubernetes`;
#  3. proposes a remediation plan for the public buckets, has two approvers approve it with
#     TOTP codes (demo/totp.py stands in for their authenticator app), applies it with a
#     separate remediation profile and re-scans: the plan is verified;
#  4. writes the NIST SP 800-53 MODERATE posture of both scans (`vigil report`) to
#     demo/out/posture.html and prints its Markdown summary;
#  5. runs the daemon (`vigil run`) on the same database for a few seconds: a scan asked for
#     through its API with a fresh token, then /readyz, /metrics and /api/v1/findings, then
#     SIGTERM.
#
#   ./demo/run.sh            # table output
#   ./demo/run.sh --format json
#
# Extra arguments go to both `vigil scan`s. The demo database is demo/out/vigil.db (re-running
# the demo adds scans to it, so you can watch findings stay open or resolve).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v moto_server >/dev/null 2>&1; then
  echo "installing moto's server (pip install \"moto[server]\" boto3)..." >&2
  python3 -m pip install --quiet --disable-pip-version-check "moto[server]==5.2.1" boto3  # 5.2.6 answers cloudtrail:DescribeTrails with 404
fi

echo "building vigil..." >&2
cargo build --quiet --locked
vigil=./target/debug/vigil

port=$(./demo/moto.sh start)
k8s_pid=""
cleanup() {
  ./demo/moto.sh stop "$port" >/dev/null 2>&1 || true
  if [ -n "$k8s_pid" ]; then kill "$k8s_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT
endpoint="http://127.0.0.1:$port"

python3 demo/populate.py --endpoint-url "$endpoint" --regions us-east-1,eu-west-1 >&2

mkdir -p demo/out
echo "== AWS: two regions of the emulated account" >&2
set +e
AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true \
  "$vigil" scan --endpoint-url "$endpoint" --region us-east-1 --region eu-west-1 \
  --db demo/out/vigil.db --save-snapshot demo/out/snapshot.json "$@"
aws_code=$?
set -e

echo >&2
echo "== Kubernetes: a recorded cluster served by tests/fixtures/k8s_api.py" >&2
portfile=$(mktemp)
python3 tests/fixtures/k8s_api.py tests/fixtures/k8s/cluster-a >"$portfile" &
k8s_pid=$!
for _ in $(seq 1 50); do
  [ -s "$portfile" ] && break
  sleep 0.1
done
k8s_port=$(head -n1 "$portfile")
rm -f "$portfile"
[ -n "$k8s_port" ] || { echo "the stand-in Kubernetes API did not start" >&2; exit 2; }
cat >demo/out/kubeconfig <<YAML
apiVersion: v1
kind: Config
clusters:
- name: demo
  cluster: {server: "http://127.0.0.1:$k8s_port"}
contexts:
- name: demo
  context: {cluster: demo, user: vigil}
current-context: demo
users:
- name: vigil
  user: {token: vigil-test-token}
YAML
set +e
"$vigil" scan --target kubernetes --kubeconfig demo/out/kubeconfig --db demo/out/vigil.db "$@"
k8s_code=$?
set -e

echo >&2
echo "== A remediation plan: propose, approve (two approvers with TOTP codes), apply with separate credentials, verify" >&2
# The approvers' secrets (a 0600 file, never in the database) and the remediation profile,
# apart from the scanner's credentials.
rm -f demo/out/approvers.toml
cat >demo/out/plans.toml <<TOML
[storage]
path = "demo/out/vigil.db"
[approvers]
totp_file = "demo/out/approvers.toml"
[remediation.aws]
profile = "vigil-demo-remediation"
endpoint_url = "$endpoint"
TOML
cat >demo/out/aws-config <<INI
[profile vigil-demo-remediation]
region = us-east-1
aws_access_key_id = testing
aws_secret_access_key = testing
INI
plan() { VIGIL_CONFIG=demo/out/plans.toml AWS_CONFIG_FILE=demo/out/aws-config AWS_EC2_METADATA_DISABLED=true "$vigil" "$@"; }
set +e
plan_code=0
for who in ana ben; do plan approver add "$who" >/dev/null || plan_code=2; done
# The public buckets are tagged environment=prod: two approvers, neither the requester.
plan_json=$(plan plan propose --rule NET-AWS-005 --as demo-requester --format json)
[ $? -eq 0 ] || plan_code=2
plan_id=$(printf '%s' "$plan_json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
plan_hash=$(printf '%s' "$plan_json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["hash"])')
plan plan show "$plan_id"
for who in ana ben; do
  plan plan approve "$plan_id" --hash "$plan_hash" --as "$who" --totp "$(python3 demo/totp.py demo/out/approvers.toml "$who")" || plan_code=2
done
plan plan apply "$plan_id" >/dev/null || plan_code=2
AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true \
  "$vigil" scan --endpoint-url "$endpoint" --region us-east-1 --region eu-west-1 \
  --db demo/out/vigil.db >/dev/null 2>&1
plan plan list | head -n 3
plan_state=$(plan plan show "$plan_id" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
echo "plan $plan_id is $plan_state after the next scan (\`vigil plan show $plan_id\` lists every call it made)" >&2
[ "$plan_state" = verified ] || plan_code=2
set -e

echo >&2
echo "== The NIST SP 800-53 MODERATE posture of both scans: vigil report" >&2
"$vigil" report --db demo/out/vigil.db --format html --output demo/out/posture.html
"$vigil" report --db demo/out/vigil.db --format md | sed -n 1,19p
echo "Every control, with its rules, findings and scopes: demo/out/posture.html (open it in a browser; print it to PDF)." >&2

echo >&2
echo "== The daemon: vigil run, its API and metrics, then SIGTERM" >&2
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$vigil" token new --name demo --role operator >demo/out/token 2>demo/out/token-entry
grep -v '^#' demo/out/token-entry >demo/out/tokens.toml
cat >demo/out/vigil.toml <<TOML
[storage]
path = "demo/out/vigil.db"
[daemon]
listen = "127.0.0.1:$http_port"
tokens_file = "demo/out/tokens.toml"
[[schedules]]
target = "kubernetes"
cron = "0 */15 * * * *"
[[collectors.kubernetes.clusters]]
name = "demo"
kubeconfig = "demo/out/kubeconfig"
[collectors.aws]
regions = ["us-east-1", "eu-west-1"]
endpoint_url = "$endpoint"
TOML
AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true \
  "$vigil" run --config demo/out/vigil.toml 2>demo/out/daemon.log &
daemon_pid=$!
set +e
VIGIL_URL="http://127.0.0.1:$http_port" VIGIL_TOKEN=$(cat demo/out/token) python3 demo/api.py
api_code=$?
kill -TERM "$daemon_pid" 2>/dev/null
wait "$daemon_pid"
daemon_code=$?
set -e
echo "The daemon's log (JSON lines, each scan line with its run id) is demo/out/daemon.log." >&2

echo >&2
echo "vigil exited $aws_code (AWS) and $k8s_code (Kubernetes): 0 nothing at or above --fail-on, 1 findings at or above it, 2 error." >&2
echo "The demo cluster's credentials may not list ClusterRoles, so its scan is partial on purpose:" >&2
echo "findings in a scope that was not read stay open instead of being marked resolved." >&2
echo "The AWS snapshot is in demo/out/snapshot.json; re-evaluate it offline with:" >&2
echo "  $vigil scan --snapshot demo/out/snapshot.json --db demo/out/offline.db" >&2
echo "Kubernetes manifests are checked before deployment with, for example:" >&2
echo "  kubectl kustomize tests/fixtures/manifests/kustomize | $vigil scan --manifests -" >&2
# Findings are the expected outcome of the demo; only an error fails it.
[ "$aws_code" -le 1 ] && [ "$k8s_code" -le 1 ] && [ "$plan_code" -eq 0 ] && [ "$api_code" -eq 0 ] && [ "$daemon_code" -eq 0 ]
