#!/usr/bin/env bash
# Builds and runs the JMH storage benchmarks (never part of the test command).
#   bin/kayak-bench.sh                      all storage benchmarks
#   bin/kayak-bench.sh AppendBenchmark      one class (any JMH arguments pass through)
# KAYAK_BENCH_DIR picks the scratch directory (default /tmp/kayak-bench); it needs several GiB free.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${KAYAK_BENCH_DIR:-/tmp/kayak-bench}"
mkdir -p "$dir"
mvn -B -q -Pbench -pl benchmarks -am package -DskipTests
exec java -jar benchmarks/target/kayak-benchmarks.jar -jvmArgsAppend "-Dkayak.bench.dir=$dir" "$@"
