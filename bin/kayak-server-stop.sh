#!/usr/bin/env bash
# Stops Kayak nodes started with -daemon: bin/kayak-server-stop.sh [node-id ...] (default: every node
# with a PID file in $KAYAK_LOG_DIR). Sends SIGTERM, waits up to 30 s for a clean shutdown, then SIGKILL.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kayak-env.sh"
if [ $# -gt 0 ]; then
  pidfiles=(); for n in "$@"; do pidfiles+=("$KAYAK_LOG_DIR/node-$n.pid"); done
else
  shopt -s nullglob; pidfiles=("$KAYAK_LOG_DIR"/node-*.pid)
fi
status=0
for f in "${pidfiles[@]}"; do
  [ -f "$f" ] || { echo "no PID file $f" >&2; status=1; continue; }
  pid="$(cat "$f")"
  node="$(basename "$f" .pid)"
  if kayak_alive "$pid"; then
    kill -TERM "$pid"
    for _ in $(seq 1 300); do kayak_alive "$pid" || break; sleep 0.1; done
    if kayak_alive "$pid"; then
      echo "$node (PID $pid) did not stop within 30 s; killing it" >&2
      kill -KILL "$pid"
    fi
    echo "$node stopped (PID $pid)"
  else
    echo "$node was not running"
  fi
  rm -f "$f"
done
exit $status
