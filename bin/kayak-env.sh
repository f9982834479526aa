# Sourced by the other scripts: finds KAYAK_HOME, builds the jars if they are missing, sets the classpaths.
KAYAK_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAYAK_LOG_DIR="${KAYAK_LOG_DIR:-$KAYAK_HOME/logs}"
export KAYAK_HOME KAYAK_LOG_DIR

kayak_build_if_missing() {
  if ! ls "$KAYAK_HOME"/broker/target/kayak-broker-*.jar >/dev/null 2>&1 \
     || ! ls "$KAYAK_HOME"/admin/target/kayak-admin-*.jar >/dev/null 2>&1 \
     || [ ! -d "$KAYAK_HOME/admin/target/lib" ]; then
    echo "Building Kayak (mvn package, tests skipped) ..." >&2
    mvn -B -q -f "$KAYAK_HOME/pom.xml" package -DskipTests >&2
  fi
}

kayak_classpath() { # module
  local jar
  jar=$(ls "$KAYAK_HOME/$1"/target/kayak-"$1"-*.jar | grep -v -- '-tests.jar' | head -1)
  echo "$jar:$KAYAK_HOME/$1/target/lib/*"
}

# The value of key $2 in properties file $1 (last one wins, like java.util.Properties).
kayak_prop() {
  sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*//p" "$1" | tail -1 | tr -d '\r'
}

# Whether PID $1 is a live Kayak node (with $2, the node of that properties file). A killed node can linger as a
# zombie (in containers whose PID 1 does not reap orphans), on which kill -0 still succeeds; and once it is gone its
# PID, still in the PID file, can be reused by any process or even be a thread of one (threads share the PID space),
# which kill -0 accepts too. So, where /proc exists, the id must be a process (its Tgid), not a zombie, and run
# KayakServer (on $2).
kayak_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [ -d /proc/self ] || return 0
  local status cmdline
  status="$(cat "/proc/$1/status" 2>/dev/null)" || return 1
  grep -q "^Tgid:[[:space:]]*$1\$" <<< "$status" || return 1
  if grep -q '^State:[[:space:]]*Z' <<< "$status"; then return 1; fi
  cmdline="$(tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *io.kayak.broker.KayakServer* ]] || return 1
  [ -z "${2:-}" ] || [[ "$cmdline" == *" $2"* ]]
}
