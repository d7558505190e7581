#!/usr/bin/env bash
# Provisioning benchmark (issue 3): import and restore on SQLite and PostgreSQL, each run in a fresh JVM.
#
#   import:  N devices from CSV, validated, planned and applied in one transaction; cold (the first thing a
#            JVM does, as 'evertone import' runs) and warm (as a running server's admin API runs it); and
#            the floor: the same rows into a plain table by a bare JDBC batch, in the same run.
#            Target: 100,000 devices in under 5 s.
#   restore: M devices, a bad import that gives every one the same key, 'credentials restore --at' the moment
#            before; the bad import again, 'credentials restore --batch' (undo). Target: 1,000,000 in under 10 s.
#
# usage: bench/provisioning.sh [IMPORT_DEVICES] [REPEAT] [RESTORE_DEVICES]
#   defaults: 100000 devices, 3 runs per store (medians), 1000000 devices for the restores
# needs: a build (mvn -q package -DskipTests); PostgreSQL comes from Maven Central binaries, nothing to install
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
N=${1:-100000}; REPEAT=${2:-3}; M=${3:-1000000}
JAR="$here/target/evertone-bench.jar"
[ -f "$JAR" ] || { echo "build first: mvn -q package -DskipTests"; exit 2; }
run() { java -Xmx12g -cp "$JAR" dev.evertone.bench.ProvisioningBenchmark "$@" 2>&1 | tee -a "$log" | awk '/^RESULT/'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
log=$(mktemp /tmp/evertone-provisioning-bench.XXXXXX)
echo "raw output: $log" >&2

declare -A cold warm unchanged floor at batch bad
for store in sqlite postgresql; do
  results=""
  for r in $(seq "$REPEAT"); do
    echo "[$store] import of $N devices, run $r of $REPEAT" >&2
    results+="$(run import "$N" "$store")"$'\n'
  done
  cold[$store]=$(echo "$results" | field cold | median)
  warm[$store]=$(echo "$results" | field warm | median)
  unchanged[$store]=$(echo "$results" | field unchanged | median)
  floor[$store]=$(echo "$results" | field floor | median)
  echo "[$store] restore of $M devices" >&2
  result=$(run restore "$M" "$store")
  bad[$store]=$(echo "$result" | field bad)
  at[$store]=$(echo "$result" | field at)
  batch[$store]=$(echo "$result" | field batch)
done

echo
echo "$(nproc) cores; seconds, medians of $REPEAT runs for imports (lower is better)"
echo
echo "| store | import $N, cold JVM | import $N, warm | bare JDBC load (floor) | warm / floor | re-import, unchanged | bad import of $M | restore --at, $M | restore --batch, $M |"
echo "|---|---|---|---|---|---|---|---|---|"
for store in sqlite postgresql; do
  echo "| $store | ${cold[$store]} | ${warm[$store]} | ${floor[$store]} | $(awk -v w="${warm[$store]}" -v f="${floor[$store]}" 'BEGIN {printf "%.1f", w/f}') | ${unchanged[$store]} | ${bad[$store]} | ${at[$store]} | ${batch[$store]} |"
done
