#!/usr/bin/env bash
# Start or stop moto's AWS emulator on a free loopback port.
#
#   demo/moto.sh start        starts moto_server in the background and prints its port (only that)
#   demo/moto.sh stop PORT    stops the server started for PORT
#
# The pid goes to ${TMPDIR:-/tmp}/vigil-moto-PORT.pid and the server's log to a fresh temporary
# directory (its path is in ${TMPDIR:-/tmp}/vigil-moto-PORT.log-path and printed on failure).
set -euo pipefail

state="${TMPDIR:-/tmp}"
state="${state%/}"

die() {
  echo "moto.sh: $*" >&2
  exit 2
}

answers() { # answers PORT: moto's dashboard is up
  python3 - "$1" <<'EOF' 2>/dev/null
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=1).read()
EOF
}

start() {
  command -v python3 >/dev/null 2>&1 || die "python3 not found"
  command -v moto_server >/dev/null 2>&1 ||
    die "moto_server not found; install it with: pip install \"moto[server]\""

  local port logdir log pid deadline
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()') ||
    die "cannot find a free port"
  logdir=$(mktemp -d "$state/vigil-moto.XXXXXX") || die "cannot create a temporary directory in $state"
  log="$logdir/moto_server.log"

  # MOTO_EC2_LOAD_DEFAULT_AMIS=false: otherwise moto invents ~1,200 Amazon AMI snapshots per region
  # and returns them for DescribeSnapshots(OwnerIds=["self"]).
  # moto's server with the IAM Access Analyzer calls moto lacks (scripts/moto_server.py), run
  # by a Python that has moto (the one beside moto_server, else python3 on PATH).
  local python="" candidate
  for candidate in "$(dirname "$(command -v moto_server)")/python3" python3 python; do
    if "$candidate" -c 'import moto' >/dev/null 2>&1; then
      python=$candidate
      break
    fi
  done
  [ -n "$python" ] || die "no Python that has moto next to moto_server or on PATH"
  MOTO_EC2_LOAD_DEFAULT_AMIS=false nohup "$python" "$(dirname "$0")/../scripts/moto_server.py" -H 127.0.0.1 -p "$port" >"$log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$state/vigil-moto-$port.pid"
  echo "$log" >"$state/vigil-moto-$port.log-path"

  deadline=$((SECONDS + 20))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$state/vigil-moto-$port.pid"
      echo "moto.sh: moto_server exited before answering; its log ($log):" >&2
      tail -n 20 "$log" >&2 || true
      exit 2
    fi
    if answers "$port"; then
      echo "$port"
      return 0
    fi
    sleep 0.2
  done
  kill "$pid" 2>/dev/null || true
  rm -f "$state/vigil-moto-$port.pid"
  echo "moto.sh: moto_server did not answer on port $port within 20 s; its log ($log):" >&2
  tail -n 20 "$log" >&2 || true
  exit 2
}

stop() {
  local port="${1:-}" pidfile pid logdir
  [[ "$port" =~ ^[0-9]+$ ]] || die "usage: demo/moto.sh stop PORT"
  pidfile="$state/vigil-moto-$port.pid"
  [ -f "$pidfile" ] || die "no moto server recorded for port $port ($pidfile does not exist)"
  pid=$(cat "$pidfile")
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do # up to 5 s, then insist
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
  if [ -f "$state/vigil-moto-$port.log-path" ]; then
    logdir=$(dirname "$(cat "$state/vigil-moto-$port.log-path")")
    case "$logdir" in "$state"/vigil-moto.*) rm -rf "$logdir" ;; esac
    rm -f "$state/vigil-moto-$port.log-path"
  fi
}

case "${1:-}" in
start) start ;;
stop) stop "${2:-}" ;;
*)
  echo "usage: demo/moto.sh start | stop PORT" >&2
  exit 2
  ;;
esac
