#!/usr/bin/env bash
# Manages the three local nodes of conf/server-{1,2,3}.properties:
#   bin/kayak-cluster.sh start    builds the jars if they are missing, formats fresh log dirs (one cluster id for
#                                 all, kept in data/cluster.id), starts every node that is not running, waits until
#                                 the metadata quorum has a leader and every node is registered, then prints the
#                                 bootstrap servers and commands to try. Run again, it reports the running cluster
#                                 (starting any node that has stopped).
#   bin/kayak-cluster.sh stop     stops them (SIGTERM, then SIGKILL after 30 s)
#   bin/kayak-cluster.sh status   which nodes run, and the quorum as its leader sees it
#   bin/kayak-cluster.sh env      shell exports that point bin/kayak-admin.sh at these nodes (every node, so commands
#                                 keep working while one is down): eval "$(bin/kayak-cluster.sh env)"
# KAYAK_CONF_DIR (default conf/) and KAYAK_LOG_DIR (default logs/) relocate the configs and the PID and log files;
# KAYAK_READY_TIMEOUT_S (default 120) bounds how long start waits for the cluster.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kayak-env.sh"
CONF_DIR="$(cd "${KAYAK_CONF_DIR:-$KAYAK_HOME/conf}" && pwd -P)" # as kayak-server.sh passes it to the node
NODES=(1 2 3)
BIN="$(dirname "$0")" # bin/ as the user reached it, for the commands printed
READY_TIMEOUT_S="${KAYAK_READY_TIMEOUT_S:-120}"

conf_of() { echo "$CONF_DIR/server-$1.properties"; }

# host:port of the first entry of listener list $1, with a wildcard or empty host replaced by 127.0.0.1.
first_endpoint() {
  local e="${1%%,*}"
  e="${e#*://}"
  local host="${e%:*}"
  if [ -z "$host" ] || [ "$host" = "0.0.0.0" ]; then host=127.0.0.1; fi
  echo "$host:${e##*:}"
}

# What Kafka clients are told for node $1: its first advertised listener, else its first listener.
kafka_of() {
  local l
  l="$(kayak_prop "$(conf_of "$1")" advertised.listeners)"
  [ -n "$l" ] || l="$(kayak_prop "$(conf_of "$1")" listeners)"
  first_endpoint "$l"
}

# The node's HTTP admin port, served on the host of its first listener.
http_of() {
  local e
  e="$(first_endpoint "$(kayak_prop "$(conf_of "$1")" listeners)")"
  echo "${e%:*}:$(kayak_prop "$(conf_of "$1")" kayak.http.port)"
}

joined() { local IFS=,; echo "$*"; }
bootstrap_servers() { local n out=(); for n in "${NODES[@]}"; do out+=("$(kafka_of "$n")"); done; joined "${out[@]}"; }
http_servers() { local n out=(); for n in "${NODES[@]}"; do out+=("$(http_of "$n")"); done; joined "${out[@]}"; }

pid_of() { local f="$KAYAK_LOG_DIR/node-$1.pid"; [ -f "$f" ] && cat "$f"; }
running() { local pid; pid="$(pid_of "$1")" && kayak_alive "$pid" "$(conf_of "$1")"; }

# Fails start if a node it just started has exited, with the end of its log.
check_started_alive() {
  local n
  for n in "$@"; do
    if ! running "$n"; then
      echo "node $n exited during start-up; the end of $KAYAK_LOG_DIR/node-$n.log:" >&2
      tail -n 20 "$KAYAK_LOG_DIR/node-$n.log" >&2 || true
      exit 1
    fi
  done
}

# Waits (up to READY_TIMEOUT_S) until the quorum has a leader and every node is registered and alive.
wait_until_ready() { # node ids started by this run
  local deadline=$((SECONDS + READY_TIMEOUT_S)) json alive
  while true; do
    json="$("$KAYAK_HOME/bin/kayak-admin.sh" quorum describe --http-server "$(http_servers)" --json 2>/dev/null)" || json=""
    [[ "$json" =~ \"leaderId\":[1-9] ]] && break
    check_started_alive "$@"
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "the metadata quorum elected no leader within $READY_TIMEOUT_S s; see $KAYAK_LOG_DIR/node-*.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  while true; do
    json="$("$KAYAK_HOME/bin/kayak-admin.sh" cluster describe --bootstrap-server "$(bootstrap_servers)" --json 2>/dev/null)" \
      || json=""
    alive="$(grep -o '"alive":true' <<< "$json" | wc -l || true)"
    [ "$alive" -ge "${#NODES[@]}" ] && return 0
    check_started_alive "$@"
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "only $alive of ${#NODES[@]} nodes registered within $READY_TIMEOUT_S s; see $KAYAK_LOG_DIR/node-*.log" >&2
      exit 1
    fi
    sleep 0.5
  done
}

print_next_steps() {
  cat <<EOF
Kafka bootstrap servers: $(bootstrap_servers)
Data in $DATA_DIR, logs and PID files in $KAYAK_LOG_DIR.

Next, try:
  eval "\$($BIN/kayak-cluster.sh env)"   # point $BIN/kayak-admin.sh at these nodes
  $BIN/kayak-admin.sh topics create --topic orders --partitions 3 --replication-factor 3
  echo "hello" | $BIN/kayak-admin.sh produce --topic orders
  $BIN/kayak-admin.sh consume --topic orders --from-beginning --max-messages 1
  $BIN/kayak-admin.sh cluster describe
  $BIN/kayak-cluster.sh status
  $BIN/kayak-cluster.sh stop
The README's walkthrough goes on from here: a consumer group, then kill -9 of a leader.
EOF
}

start() {
  kayak_build_if_missing
  local log_dir
  log_dir="$(kayak_prop "$(conf_of 1)" log.dirs)"
  DATA_DIR="$(cd "$CONF_DIR" && mkdir -p "$(dirname "${log_dir%%,*}")" && cd "$(dirname "${log_dir%%,*}")" && pwd)"
  local idfile="$DATA_DIR/cluster.id"
  [ -f "$idfile" ] || "$KAYAK_HOME/bin/kayak-admin.sh" storage random-cluster-id > "$idfile"
  local cid n started=() pids=()
  cid="$(cat "$idfile")"
  for n in "${NODES[@]}"; do
    if running "$n"; then
      pids+=("$n:$(pid_of "$n")")
      continue
    fi
    "$KAYAK_HOME/bin/kayak-admin.sh" storage format --config "$(conf_of "$n")" --cluster-id "$cid"
    "$KAYAK_HOME/bin/kayak-server.sh" -daemon "$(conf_of "$n")"
    started+=("$n")
  done
  if [ "${#started[@]}" -eq 0 ]; then
    echo "Kayak cluster $cid is already running (node:PID ${pids[*]}); nothing to start."
  fi
  wait_until_ready "${started[@]}"
  "$KAYAK_HOME/bin/kayak-admin.sh" quorum describe --http-server "$(http_servers)"
  echo
  echo "Kayak cluster $cid is up: nodes ${NODES[*]}, all registered, and the metadata quorum has a leader."
  print_next_steps
}

case "${1:-}" in
  start)
    start
    ;;
  stop)
    "$KAYAK_HOME/bin/kayak-server-stop.sh" "${NODES[@]}"
    ;;
  status)
    for n in "${NODES[@]}"; do
      if running "$n"; then echo "node $n: running (PID $(pid_of "$n"))"; else echo "node $n: stopped"; fi
    done
    if "$KAYAK_HOME/bin/kayak-admin.sh" quorum describe --http-server "$(http_servers)" 2>/dev/null; then exit 0; fi
    echo "no node answers on its HTTP port" >&2
    exit 1
    ;;
  env)
    echo "export KAYAK_BOOTSTRAP_SERVER=$(bootstrap_servers)"
    echo "export KAYAK_HTTP_SERVER=$(http_servers)"
    ;;
  *)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
esac
