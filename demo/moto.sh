#!/usr/bin/env bash
# Start or stop moto's AWS emulator on a free loopback port.
#   demo/moto.sh start        prints the port on stdout
#   demo/moto.sh stop PORT
set -euo pipefail

state="${TMPDIR:-/tmp}"

case "${1:-}" in
start)
  if ! command -v moto_server >/dev/null 2>&1; then
    echo "moto_server not found: pip install \"moto[server]\"" >&2
    exit 2
  fi
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  log="$state/vigil-moto-$port.log"
  # Without this moto invents thousands of AMI snapshots owned by the demo account.
  MOTO_EC2_LOAD_DEFAULT_AMIS=false nohup moto_server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
  echo $! >"$state/vigil-moto-$port.pid"
  for _ in $(seq 1 200); do
    if python3 -c "import urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/', timeout=1)" 2>/dev/null; then
      echo "$port"
      exit 0
    fi
    sleep 0.1
  done
  echo "moto_server did not answer on port $port within 20 s; its log is $log" >&2
  exit 2
  ;;
stop)
  port="${2:?usage: demo/moto.sh stop PORT}"
  pidfile="$state/vigil-moto-$port.pid"
  if [ -f "$pidfile" ]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  fi
  ;;
*)
  echo "usage: demo/moto.sh start | stop PORT" >&2
  exit 2
  ;;
esac
