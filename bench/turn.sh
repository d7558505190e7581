#!/usr/bin/env bash
# TURN relay benchmark: evertone's relay and coturn in one run, driven by coturn's own load client
# (turnutils_uclient -y: CLIENTS pairs of allocations sending to each other through their channels, MESSAGES
# each, SIZE bytes). The client paces itself (INTERVAL ms between packets), so this measures the relay's cost:
# server CPU per relayed message (utime+stime of every thread, /proc) and its inverse, messages relayed per second of
# one core, and the messages lost; medians of RUNS runs after two unmeasured runs each.
#
# usage: bench/turn.sh [CLIENTS] [MESSAGES] [SIZE] [INTERVAL] [RUNS]     defaults: 50 2000 170 5 3
#        JAVA_OPTS (JVM options) and EVERTONE_ARGS (e.g. "--set stun.io-threads=1") vary evertone's side; WARMUP
#        (default 2) is the number of unmeasured runs per server.
# needs: coturn (apt-get install -y coturn) and a build (mvn -q package -DskipTests)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
CLIENTS=${1:-50}; MESSAGES=${2:-2000}; SIZE=${3:-170}; INTERVAL=${4:-5}; RUNS=${5:-3}
JAR="$root/evertone-server/target/evertone.jar"
for c in turnserver turnutils_uclient java; do command -v $c >/dev/null || { echo "missing $c (apt-get install -y coturn)"; exit 2; }; done
[ -f "$JAR" ] || { echo "build first: mvn -q package -DskipTests"; exit 2; }
work=$(mktemp -d /tmp/evertone-turn.XXXXXX)
trap 'pkill -f "$work" 2>/dev/null; rm -rf "$work"' EXIT
ticks() { local t=0; for p in $1; do t=$((t + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo $t; }
hz=$(getconf CLK_TCK)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() { # name port pids -> "us_per_message lost_total received"
  local name=$1 port=$2 pids=$3 us=() lost=0 received=0
  # warm-up: two whole runs, not measured, for both servers: the JVM compiles its hot paths during the first two
  # (its compiler threads use ~0.5 s of CPU then, and next to none after); what a relay costs over days is its
  # steady state. coturn's runs cost the same from the first.
  for w in $(seq "${WARMUP:-2}"); do
    turnutils_uclient -u bench -w benchpw -y -c -m "$CLIENTS" -n "$MESSAGES" -l "$SIZE" -z "$INTERVAL" -p "$port" 127.0.0.1 > /dev/null 2>&1 || true
  done
  for r in $(seq "$RUNS"); do
    local c0 c1 out msgs lostrun
    c0=$(ticks "$pids")
    out=$(turnutils_uclient -u bench -w benchpw -y -c -m "$CLIENTS" -n "$MESSAGES" -l "$SIZE" -z "$INTERVAL" -p "$port" 127.0.0.1 2>&1 || true)
    c1=$(ticks "$pids")
    msgs=$(echo "$out" | grep -o 'tot_recv_msgs=[0-9]*' | tail -1 | cut -d= -f2)
    lostrun=$(echo "$out" | grep -o 'Total lost packets [0-9]*' | tail -1 | awk '{print $4}')
    us+=("$(awk -v t=$((c1 - c0)) -v hz="$hz" -v n="${msgs:-0}" 'BEGIN {if (n > 0) printf "%.2f", t * 1000000 / hz / n; else print "nan"}')")
    lost=$((lost + ${lostrun:-0})); received=$((received + ${msgs:-0}))
    echo "[$name] run $r: $msgs messages relayed, lost $lostrun, ${us[-1]} us/message" >&2
  done
  echo "$(printf '%s\n' "${us[@]}" | median) $lost $received"
}

turnserver -n --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port=3478 --no-tls --no-dtls --lt-cred-mech \
  --user=bench:benchpw --realm=bench.test --no-cli --allow-loopback-peers --min-port=40000 --max-port=49999 \
  --pidfile="$work/turn.pid" --log-file=stdout > "$work/coturn.log" 2>&1 &
sleep 2
coturn=$(measure coturn 3478 "$(pgrep -d' ' -f "$work/turn.pid")")
pkill -f "$work/turn.pid" || true; sleep 1

java ${JAVA_OPTS:-} -jar "$JAR" serve --data-dir "$work/data" --set sip.udp-port=5090 --set sip.tcp-port=-1 --set http.port=-1 --set stun.port=3479 \
  --set stun.host=127.0.0.1 --set stun.turn.users=bench:benchpw --set stun.turn.realm=bench.test --set stun.turn.allow-loopback-peers=true \
  --set stun.turn.min-port=50000 --set stun.turn.max-port=59999 --set stun.turn.per-user-allocations=1000 --set log.level=warn ${EVERTONE_ARGS:-} > "$work/evertone.log" 2>&1 &
sleep 5
eve=$(measure evertone 3479 "$(pgrep -f "$work/data" | tr '\n' ' ')")

read -r cus clost crecv <<< "$coturn"; read -r eus elost erecv <<< "$eve"
echo
echo "TURN relay, turnutils_uclient -y -c: $CLIENTS clients x $MESSAGES messages of $SIZE bytes every $INTERVAL ms, $RUNS runs, $(nproc) cores shared with the client"
echo
echo "| | coturn | evertone | ratio coturn/evertone |"
echo "|---|---|---|---|"
echo "| server CPU us per relayed message | $cus | $eus | $(awk -v e="$eus" -v c="$cus" 'BEGIN {printf "%.2f", c/e}') |"
echo "| messages relayed per CPU-second | $(awk -v c="$cus" 'BEGIN {printf "%d", 1000000/c}') | $(awk -v e="$eus" 'BEGIN {printf "%d", 1000000/e}') | |"
echo "| messages relayed (all runs) | $crecv | $erecv | |"
echo "| messages lost (all runs) | $clost | $elost | |"
