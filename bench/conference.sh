#!/usr/bin/env bash
# Conference mixing benchmark: ROOMS rooms of PARTIES parties mixed by evertone's media engine in one process
# (bench/src/main/java/dev/evertone/bench/ConferenceLoad.java): the relay's endpoint legs and one mixer per room,
# as conference calls use them (without the SIP, which costs nothing per frame), each party a UDP socket on
# loopback sending a G.711 packet every 20 ms and reading the mixed packets evertone sends back. Measured over
# MEASURE seconds after WARM seconds: late frames (frames of mixer ticks more than 5 ms after their time), the CPU
# of the relay's I/O threads per participant (decoding, jitter buffers, mixing, encoding, sendto), the whole
# process's CPU (the load client's two threads included), and the mixed packets received against those expected.
#
# usage: bench/conference.sh [ROOMS] [PARTIES] [MEASURE] [RUNS]
#   defaults: 10 rooms of 50 parties (500 participants), 20 s measured, 3 runs; WARM (default 5 s)
#   IO_THREADS (default 0: one per two cores) the relay's event loops
# needs: java and a build (mvn -q package -DskipTests)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
ROOMS=${1:-10}; PARTIES=${2:-50}; MEASURE=${3:-20}; RUNS=${4:-3}
WARM=${WARM:-5}; IO_THREADS=${IO_THREADS:-0}
BENCHJAR="$root/bench/target/evertone-bench.jar"
[ -f "$BENCHJAR" ] || { echo "build first: mvn -q package -DskipTests"; exit 2; }
work=$(mktemp -d /tmp/evertone-conference.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp "$BENCHJAR" "$work/bench.jar"
echo "# conference mixing: $ROOMS rooms x $PARTIES parties, $MEASURE s measured after $WARM s, $(nproc) cores,"
echo "# $(uptime | sed 's/.*load/load/'), $(java -version 2>&1 | head -1)"
for run in $(seq 1 "$RUNS"); do
  java -Xms256m -Xmx512m -cp "$work/bench.jar" dev.evertone.bench.ConferenceLoad \
    "$ROOMS" "$PARTIES" "$WARM" "$MEASURE" "$IO_THREADS" 2>"$work/err.txt" | sed "s/^/run=$run /" \
    || { cat "$work/err.txt"; exit 1; }
done
