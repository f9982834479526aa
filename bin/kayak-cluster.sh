#!/usr/bin/env bash
# Manages the three local nodes of conf/server-{1,2,3}.properties:
#   bin/kayak-cluster.sh start    formats fresh log dirs (one cluster id for all), starts the nodes in the
#                                 background and waits until the metadata quorum has a leader
#   bin/kayak-cluster.sh stop     stops them (SIGTERM, then SIGKILL after 30 s)
#   bin/kayak-cluster.sh status   which nodes run, and the quorum as its leader sees it
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kayak-env.sh"
CONF_DIR="${KAYAK_CONF_DIR:-$KAYAK_HOME/conf}"
NODES=(1 2 3)

http_of() { echo "127.0.0.1:$(kayak_prop "$CONF_DIR/server-$1.properties" kayak.http.port)"; }

case "${1:-}" in
  start)
    kayak_build_if_missing
    data="$(cd "$CONF_DIR" && mkdir -p "$(dirname "$(kayak_prop server-1.properties log.dirs)")" \
      && cd "$(dirname "$(kayak_prop server-1.properties log.dirs)")" && pwd)"
    idfile="$data/cluster.id"
    [ -f "$idfile" ] || "$KAYAK_HOME/bin/kayak-admin.sh" storage random-cluster-id > "$idfile"
    cid="$(cat "$idfile")"
    for n in "${NODES[@]}"; do
      "$KAYAK_HOME/bin/kayak-admin.sh" storage format --config "$CONF_DIR/server-$n.properties" --cluster-id "$cid"
    done
    for n in "${NODES[@]}"; do
      "$KAYAK_HOME/bin/kayak-server.sh" -daemon "$CONF_DIR/server-$n.properties"
    done
    for _ in $(seq 1 120); do
      if "$KAYAK_HOME/bin/kayak-admin.sh" quorum describe --http-server "$(http_of 1)" --json 2>/dev/null \
          | grep -q '"leaderId":[1-9]'; then
        "$KAYAK_HOME/bin/kayak-admin.sh" quorum describe --http-server "$(http_of 1)"
        echo
        echo "Kayak cluster $cid is up: metadata quorum of nodes ${NODES[*]}."
        echo "Kafka bootstrap servers: $(for n in "${NODES[@]}"; do kayak_prop "$CONF_DIR/server-$n.properties" listeners | sed 's#.*://##'; done | paste -sd,)"
        exit 0
      fi
      sleep 0.5
    done
    echo "the metadata quorum elected no leader within 60 s; see $KAYAK_LOG_DIR/node-*.log" >&2
    exit 1
    ;;
  stop)
    "$KAYAK_HOME/bin/kayak-server-stop.sh" "${NODES[@]}"
    ;;
  status)
    for n in "${NODES[@]}"; do
      f="$KAYAK_LOG_DIR/node-$n.pid"
      if [ -f "$f" ] && kayak_alive "$(cat "$f")"; then echo "node $n: running (PID $(cat "$f"))"; else echo "node $n: stopped"; fi
    done
    for n in "${NODES[@]}"; do
      if "$KAYAK_HOME/bin/kayak-admin.sh" quorum describe --http-server "$(http_of "$n")" 2>/dev/null; then exit 0; fi
    done
    echo "no node answers on its HTTP port" >&2
    exit 1
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
