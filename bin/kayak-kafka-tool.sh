#!/usr/bin/env bash
# Runs one of Apache Kafka's own tools (kafka-tools 4.1.1 from Maven Central, resolved on first use) against
# a running cluster, e.g.:
#   bin/kayak-kafka-tool.sh TopicCommand --bootstrap-server 127.0.0.1:9092 --create --topic perf --partitions 6 --replication-factor 3
#   bin/kayak-kafka-tool.sh ProducerPerformance --topic perf --num-records 100000 --record-size 1024 \
#       --throughput -1 --producer-props bootstrap.servers=127.0.0.1:9092 acks=all
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kayak-env.sh"
[ $# -ge 1 ] || { echo "usage: $0 <tool class, e.g. ProducerPerformance> [args...]" >&2; exit 2; }
cp_file="$KAYAK_HOME/benchmarks/kafka-tools/target/classpath.txt"
if [ ! -s "$cp_file" ]; then
  mkdir -p "$(dirname "$cp_file")"
  mvn -B -q -f "$KAYAK_HOME/benchmarks/kafka-tools/pom.xml" dependency:build-classpath -Dmdep.outputFile="$cp_file" >&2
fi
tool="$1"; shift
exec java -Xmx1g -cp "$(cat "$cp_file")" "org.apache.kafka.tools.$tool" "$@"
