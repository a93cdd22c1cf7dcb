#!/usr/bin/env bash
# The bundled demo: start moto's AWS emulator, populate it with a small estate (some of it
# compliant, some not), build vigil and scan two regions. No AWS account is touched.
#
#   ./demo/run.sh            # table output
#   ./demo/run.sh --format json
#
# Extra arguments go to `vigil scan`. The demo database is demo/out/vigil.db (re-running
# the demo adds a scan to it, so you can watch findings stay open or resolve).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v moto_server >/dev/null 2>&1; then
  echo "installing moto's server (pip install \"moto[server]\" boto3)..." >&2
  python3 -m pip install --quiet --disable-pip-version-check "moto[server]" boto3
fi

echo "building vigil..." >&2
cargo build --quiet --locked

port=$(./demo/moto.sh start)
trap './demo/moto.sh stop "$port" >/dev/null 2>&1 || true' EXIT
endpoint="http://127.0.0.1:$port"

python3 demo/populate.py --endpoint-url "$endpoint" --regions us-east-1,eu-west-1 >&2

mkdir -p demo/out
set +e
AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true \
  ./target/debug/vigil scan --endpoint-url "$endpoint" --region us-east-1 --region eu-west-1 \
  --db demo/out/vigil.db --save-snapshot demo/out/snapshot.json "$@"
code=$?
set -e
echo >&2
echo "vigil exited $code (0: nothing at or above --fail-on, 1: findings at or above it, 2: error)." >&2
echo "The snapshot is in demo/out/snapshot.json; re-evaluate it offline with:" >&2
echo "  ./target/debug/vigil scan --snapshot demo/out/snapshot.json --db demo/out/offline.db" >&2
# Findings are the expected outcome of the demo; only an error fails it.
[ "$code" -le 1 ]
