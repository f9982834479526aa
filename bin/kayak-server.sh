#!/usr/bin/env bash
# Runs one Kayak node: bin/kayak-server.sh [-daemon] <server.properties>
# In the foreground it stops on Ctrl-C / SIGTERM. With -daemon it runs in the background, logs to
# $KAYAK_LOG_DIR/node-<id>.log (default logs/) and records its PID in $KAYAK_LOG_DIR/node-<id>.pid.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kayak-env.sh"
daemon=0
if [ "${1:-}" = "-daemon" ]; then daemon=1; shift; fi
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
  echo "usage: $0 [-daemon] <server.properties>" >&2
  exit 2
fi
config="$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")"
kayak_build_if_missing
node="$(kayak_prop "$config" node.id)"
[ -n "$node" ] || node="$(kayak_prop "$config" broker.id)"
heap="${KAYAK_HEAP_OPTS:--Xms256m -Xmx1g}"
cmd=(java $heap -XX:+UseG1GC -cp "$(kayak_classpath broker)" io.kayak.broker.KayakServer "$config")
if [ "$daemon" = 1 ]; then
  mkdir -p "$KAYAK_LOG_DIR"
  pidfile="$KAYAK_LOG_DIR/node-$node.pid"
  if [ -f "$pidfile" ] && kayak_alive "$(cat "$pidfile")" "$config"; then
    echo "node $node is already running (PID $(cat "$pidfile"))" >&2
    exit 1
  fi
  nohup "${cmd[@]}" > "$KAYAK_LOG_DIR/node-$node.log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  echo "node $node started (PID $!), log: $KAYAK_LOG_DIR/node-$node.log"
else
  exec "${cmd[@]}"
fi
