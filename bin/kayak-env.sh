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

# Whether PID $1 is a live process. A killed node can linger as a zombie (in containers whose PID 1 does not
# reap orphans); kill -0 still succeeds on it, so the process state is checked too.
kayak_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)"
  [ "$state" != "Z" ]
}
