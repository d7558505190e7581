#!/usr/bin/env bash
# STUN Binding benchmark: evertone's STUN server and coturn (turnserver --stun-only) in one run, loaded by the
# same client (dev.evertone.bench.StunLoad: THREADS sockets, WINDOW requests in flight each), RUNS runs of
# SECONDS each after a warm-up. Reported: answers/s and server CPU per answer (utime+stime, /proc), medians.
#
# usage: bench/stun.sh [THREADS] [WINDOW] [SECONDS] [RUNS]     defaults: 4 64 10 3
#        JAVA_OPTS (JVM options) and EVERTONE_ARGS (e.g. "--set stun.io-threads=1") vary evertone's side.
# needs: coturn (apt-get install -y coturn) and a build (mvn -q package -DskipTests)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
THREADS=${1:-4}; WINDOW=${2:-64}; SECONDS_=${3:-10}; RUNS=${4:-3}
JAR="$root/evertone-server/target/evertone.jar"; BENCHJAR="$root/bench/target/evertone-bench.jar"
command -v turnserver >/dev/null || { echo "missing turnserver (apt-get install -y coturn)"; exit 2; }
[ -f "$JAR" ] && [ -f "$BENCHJAR" ] || { echo "build first: mvn -q package -DskipTests"; exit 2; }
work=$(mktemp -d /tmp/evertone-stun.XXXXXX)
trap 'pkill -f "$work" 2>/dev/null; rm -rf "$work"' EXIT
ticks() { local t=0; for p in $1; do t=$((t + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo $t; }
hz=$(getconf CLK_TCK)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() { # name port pids -> "rate us_per_answer" medians
  local name=$1 port=$2 pids=$3 rates=() us=()
  java -cp "$BENCHJAR" dev.evertone.bench.StunLoad 127.0.0.1 "$port" "$THREADS" "$WINDOW" 5 > /dev/null # warm-up
  for r in $(seq "$RUNS"); do
    local c0 c1 out answers rate
    c0=$(ticks "$pids")
    out=$(java -cp "$BENCHJAR" dev.evertone.bench.StunLoad 127.0.0.1 "$port" "$THREADS" "$WINDOW" "$SECONDS_")
    c1=$(ticks "$pids")
    answers=$(echo "$out" | sed 's/.*answers=\([0-9]*\).*/\1/'); rate=$(echo "$out" | sed 's/.*rate=\([0-9]*\).*/\1/')
    rates+=("$rate"); us+=("$(awk -v t=$((c1 - c0)) -v hz="$hz" -v n="$answers" 'BEGIN {printf "%.2f", t * 1000000 / hz / n}')")
    echo "[$name] run $r: $out, $(awk -v t=$((c1 - c0)) -v hz="$hz" -v n="$answers" 'BEGIN {printf "%.2f", t * 1000000 / hz / n}') us/answer" >&2
  done
  echo "$(printf '%s\n' "${rates[@]}" | median) $(printf '%s\n' "${us[@]}" | median)"
}

turnserver -n --listening-ip=127.0.0.1 --listening-port=3478 --no-tls --no-dtls --stun-only --no-cli \
  --pidfile="$work/turn.pid" --log-file=stdout > "$work/coturn.log" 2>&1 &
sleep 2
coturn=$(measure coturn 3478 "$(pgrep -d' ' -f "$work/turn.pid")")
pkill -f "$work/turn.pid" || true; sleep 1

java ${JAVA_OPTS:-} -jar "$JAR" serve --data-dir "$work/data" --set sip.udp-port=5090 --set sip.tcp-port=-1 --set http.port=-1 --set stun.port=3479 \
  --set stun.host=127.0.0.1 --set log.level=warn ${EVERTONE_ARGS:-} > "$work/evertone.log" 2>&1 &
sleep 5
eve=$(measure evertone 3479 "$(pgrep -f "$work/data" | tr '\n' ' ')")

read -r crate cus <<< "$coturn"; read -r erate eus <<< "$eve"
echo
echo "STUN Binding requests over UDP, $THREADS client sockets x $WINDOW in flight, $RUNS runs of $SECONDS_ s, $(nproc) cores shared with the client"
echo
echo "| | coturn | evertone | ratio evertone/coturn |"
echo "|---|---|---|---|"
echo "| answers/s | $crate | $erate | $(awk -v e="$erate" -v c="$crate" 'BEGIN {printf "%.2f", e/c}') |"
echo "| server CPU us/answer | $cus | $eus | $(awk -v e="$eus" -v c="$cus" 'BEGIN {printf "%.2f", c/e}') (coturn/evertone) |"
