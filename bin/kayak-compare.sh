#!/usr/bin/env bash
# The side-by-side load harness: the same Kafka-client workloads against a three-node Kayak cluster and a
# three-node Apache Kafka 4.x cluster (KRaft, from Maven Central), one after the other on this machine, and one
# table with both and their ratio (docs/BENCHMARKS.md). Never part of the test command.
#   bin/kayak-compare.sh --quick                          minutes: every workload once, smaller sizes
#   bin/kayak-compare.sh --out docs/BENCHMARKS.md         full sizes, 3 repeats, table appended to the file
#   bin/kayak-compare.sh --quick --workloads produce,e2e --systems kayak
# Each cluster first takes an unreported warm-up (--no-warm-up skips it); --kayak-config k=v,... adds settings to
# every Kayak node's properties.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kayak-env.sh"
kayak_build_if_missing
if ! ls "$KAYAK_HOME"/loadtest/target/kayak-loadtest-*.jar >/dev/null 2>&1 || [ ! -d "$KAYAK_HOME/loadtest/target/lib" ]; then
  mvn -B -q -f "$KAYAK_HOME/pom.xml" -pl loadtest -am package -DskipTests >&2
fi
cp_file="$KAYAK_HOME/benchmarks/kafka-broker/target/classpath.txt"
if [ ! -s "$cp_file" ]; then
  echo "Resolving the Apache Kafka broker jars from Maven Central ..." >&2
  mkdir -p "$(dirname "$cp_file")"
  mvn -B -q -f "$KAYAK_HOME/benchmarks/kafka-broker/pom.xml" dependency:build-classpath -Dmdep.outputFile="$cp_file" >&2
fi
exec java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dkayak.home="$KAYAK_HOME" -cp "$(kayak_classpath loadtest)" io.kayak.loadtest.CompareMain "$@"
