#!/usr/bin/env bash
# TURN relay benchmark: evertone's relay and coturn in one run, driven by coturn's own load client
# (turnutils_uclient -y: CLIENTS pairs of allocations sending to each other through their channels, MESSAGES
# each, SIZE bytes). The client paces itself (INTERVAL ms between packets), so this measures the relay's cost:
# server CPU per relayed message (utime+stime of every thread, /proc) and its inverse, messages relayed per second of
# one core, and the messages lost.
#
# Both servers run for the whole benchmark and their measured runs alternate (coturn, evertone, coturn, ...), so
# that a change in the shared machine's load over the minutes of the run falls on both alike; the ratio reported is
# the median of the RUNS pairs' ratios (each pair measured within the same minute), beside the medians of each side.
#
# usage: bench/turn.sh [CLIENTS] [MESSAGES] [SIZE] [INTERVAL] [RUNS]     defaults: 50 2000 170 5 5
#        JAVA_OPTS (JVM options) and EVERTONE_ARGS (e.g. "--set stun.io-threads=2") vary evertone's side; WARMUP
#        (default 6) is the number of unmeasured runs per server before the first measured one: the JVM's compiler
#        threads still use 5-8 % of evertone's CPU in the third and fourth runs and 2-4 % after the sixth (each
#        measured run's share is in the report); a relay runs for days, so its steady state is what it costs.
# needs: coturn (apt-get install -y coturn) and a build (mvn -q package -DskipTests)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
CLIENTS=${1:-50}; MESSAGES=${2:-2000}; SIZE=${3:-170}; INTERVAL=${4:-5}; RUNS=${5:-5}
JAR="$root/evertone-server/target/evertone.jar"
for c in turnserver turnutils_uclient java; do command -v $c >/dev/null || { echo "missing $c (apt-get install -y coturn)"; exit 2; }; done
[ -f "$JAR" ] || { echo "build first: mvn -q package -DskipTests"; exit 2; }
work=$(mktemp -d /tmp/evertone-turn.XXXXXX)
trap 'pkill -f "$work" 2>/dev/null; rm -rf "$work"' EXIT
ticks() { local t=0; for p in $1; do t=$((t + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo $t; }
jit() { # CPU ticks of the JVM's compiler threads in the processes given
  local t=0; for p in $1; do for f in /proc/$p/task/*/stat; do
    case "$(cat "${f%stat}comm" 2>/dev/null)" in C1\ Compiler*|C2\ Compiler*) t=$((t + $(sed 's/.*) //' "$f" | awk '{print $12+$13}')));; esac
  done; done; echo $t; }
hz=$(getconf CLK_TCK)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
load() { # port -> the client's output
  turnutils_uclient -u bench -w benchpw -y -c -m "$CLIENTS" -n "$MESSAGES" -l "$SIZE" -z "$INTERVAL" -p "$1" 127.0.0.1 2>&1 || true
}
run() { # name port pids -> "us_per_message lost received jit_share"
  local c0 c1 j0 j1 out msgs lost us
  c0=$(ticks "$3"); j0=$(jit "$3"); out=$(load "$2"); c1=$(ticks "$3"); j1=$(jit "$3")
  msgs=$(echo "$out" | grep -o 'tot_recv_msgs=[0-9]*' | tail -1 | cut -d= -f2)
  lost=$(echo "$out" | grep -o 'Total lost packets [0-9]*' | tail -1 | awk '{print $4}')
  us=$(awk -v t=$((c1 - c0)) -v hz="$hz" -v n="${msgs:-0}" 'BEGIN {if (n > 0) printf "%.2f", t * 1000000 / hz / n; else print "nan"}')
  share=$(awk -v j=$((j1 - j0)) -v t=$((c1 - c0)) 'BEGIN {if (t > 0 && j > 0) printf "%.1f", 100 * j / t; else print 0}')
  echo "[$1] $msgs messages relayed, lost ${lost:-?}, $us us/message (JIT compiler share ${share} %)" >&2
  echo "$us ${lost:-0} ${msgs:-0} $share"
}

turnserver -n --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port=3478 --no-tls --no-dtls --lt-cred-mech \
  --user=bench:benchpw --realm=bench.test --no-cli --allow-loopback-peers --min-port=40000 --max-port=49999 \
  --pidfile="$work/turn.pid" --log-file=stdout > "$work/coturn.log" 2>&1 &
java ${JAVA_OPTS:-} -jar "$JAR" serve --data-dir "$work/data" --set sip.udp-port=5090 --set sip.tcp-port=-1 --set http.port=-1 --set stun.port=3479 \
  --set stun.host=127.0.0.1 --set stun.turn.users=bench:benchpw --set stun.turn.realm=bench.test --set stun.turn.allow-loopback-peers=true \
  --set stun.turn.min-port=50000 --set stun.turn.max-port=59999 --set stun.turn.per-user-allocations=1000 --set log.level=warn ${EVERTONE_ARGS:-} > "$work/evertone.log" 2>&1 &
sleep 6
cpids=$(pgrep -d' ' -f "$work/turn.pid"); epids=$(pgrep -f "$work/data" | tr '\n' ' ')
[ -n "$cpids" ] && [ -n "$epids" ] || { echo "a server did not start:"; cat "$work/coturn.log" "$work/evertone.log"; exit 1; }

# warm-up, not measured: the JVM compiles its hot paths during the first runs (its compiler threads use ~0.5 s of
# CPU then, and next to none after); what a relay costs over days is its steady state. coturn's runs cost the same
# from the first.
WARMUP=${WARMUP:-6}
for w in $(seq "$WARMUP"); do
  echo "warm-up $w of $WARMUP" >&2; load 3478 > /dev/null; load 3479 > /dev/null
done
cus=(); eus=(); ratios=(); jits=(); clost=0; elost=0; crecv=0; erecv=0
for r in $(seq "$RUNS"); do
  echo "pair $r of $RUNS" >&2
  read -r u l n _ <<< "$(run coturn 3478 "$cpids")"; cus+=("$u"); clost=$((clost + l)); crecv=$((crecv + n))
  read -r v l n j <<< "$(run evertone 3479 "$epids")"; eus+=("$v"); elost=$((elost + l)); erecv=$((erecv + n)); jits+=("$j")
  ratios+=("$(awk -v c="$u" -v e="$v" 'BEGIN {printf "%.2f", c/e}')")
done
cm=$(printf '%s\n' "${cus[@]}" | median); em=$(printf '%s\n' "${eus[@]}" | median)

echo
echo "TURN relay, turnutils_uclient -y -c: $CLIENTS clients x $MESSAGES messages of $SIZE bytes every $INTERVAL ms, $RUNS alternating pairs of runs after $WARMUP unmeasured ones each, $(nproc) cores shared with the client"
echo
echo "| | coturn | evertone | ratio coturn/evertone |"
echo "|---|---|---|---|"
echo "| server CPU us per relayed message (median) | $cm | $em | $(awk -v e="$em" -v c="$cm" 'BEGIN {printf "%.2f", c/e}') |"
echo "| messages relayed per CPU-second | $(awk -v c="$cm" 'BEGIN {printf "%d", 1000000/c}') | $(awk -v e="$em" 'BEGIN {printf "%d", 1000000/e}') | |"
echo "| ratio of each pair of runs | | | $(printf '%s ' "${ratios[@]}")(median $(printf '%s\n' "${ratios[@]}" | median)) |"
echo "| messages relayed (all runs) | $crecv | $erecv | |"
echo "| messages lost (all runs) | $clost | $elost | |"
echo "| evertone's CPU in JIT compiler threads, each run (%) | | $(printf '%s ' "${jits[@]}") | |"
