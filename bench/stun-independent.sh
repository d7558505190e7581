#!/usr/bin/env bash
# STUN Binding benchmark with an independent client: CLIENTS processes of bench/stun_load.py (Python, not
# evertone's code; WINDOW requests in flight each, one socket each) against coturn (turnserver --stun-only) and
# evertone's STUN server, both running throughout, their measured runs alternating (coturn, evertone, coturn, ...)
# so that a change in the shared machine's load falls on both alike. Reported: answers/s and server CPU per answer
# (utime+stime of every thread, /proc), medians, and the median of the pairs' ratios.
#
# usage: bench/stun-independent.sh [CLIENTS] [WINDOW] [SECONDS] [RUNS]     defaults: 3 64 10 5
#        JAVA_OPTS and EVERTONE_ARGS (e.g. "--set stun.io-threads=1") vary evertone's side.
# needs: coturn (apt-get install -y coturn), python3, and a build (mvn -q package -DskipTests)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
CLIENTS=${1:-3}; WINDOW=${2:-64}; SECONDS_=${3:-10}; RUNS=${4:-5}
JAR="$root/evertone-server/target/evertone.jar"
for c in turnserver python3 java; do command -v $c >/dev/null || { echo "missing $c (apt-get install -y coturn python3)"; exit 2; }; done
[ -f "$JAR" ] || { echo "build first: mvn -q package -DskipTests"; exit 2; }
work=$(mktemp -d /tmp/evertone-stun.XXXXXX)
trap 'pkill -f "$work" 2>/dev/null; rm -rf "$work"' EXIT
ticks() { local t=0; for p in $1; do t=$((t + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo $t; }
hz=$(getconf CLK_TCK)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
load() { # port seconds -> total answers, summed over the clients
  local pids=() i
  for i in $(seq "$CLIENTS"); do python3 "$here/stun_load.py" 127.0.0.1 "$1" "$WINDOW" "$2" > "$work/client.$i" & pids+=($!); done
  wait "${pids[@]}"
  cat "$work"/client.* | sed 's/.*answers=\([0-9]*\).*/\1/' | awk '{s += $1} END {print s}'
}
run() { # name port pids -> "answers_per_s us_per_answer"
  local c0 c1 n rate us
  c0=$(ticks "$3"); n=$(load "$2" "$SECONDS_"); c1=$(ticks "$3")
  rate=$(awk -v n="$n" -v s="$SECONDS_" 'BEGIN {printf "%d", n / s}')
  us=$(awk -v t=$((c1 - c0)) -v hz="$hz" -v n="$n" 'BEGIN {if (n > 0) printf "%.2f", t * 1000000 / hz / n; else print "nan"}')
  echo "[$1] $rate answers/s, $us us/answer" >&2
  echo "$rate $us"
}

turnserver -n --listening-ip=127.0.0.1 --listening-port=3478 --no-tls --no-dtls --stun-only --no-cli \
  --pidfile="$work/turn.pid" --log-file=stdout > "$work/coturn.log" 2>&1 &
java ${JAVA_OPTS:-} -jar "$JAR" serve --data-dir "$work/data" --set sip.udp-port=5090 --set sip.tcp-port=-1 --set http.port=-1 \
  --set stun.port=3479 --set stun.host=127.0.0.1 --set log.level=warn ${EVERTONE_ARGS:-} > "$work/evertone.log" 2>&1 &
sleep 6
cpids=$(pgrep -d' ' -f "$work/turn.pid"); epids=$(pgrep -f "$work/data" | tr '\n' ' ')
[ -n "$cpids" ] && [ -n "$epids" ] || { echo "a server did not start:"; cat "$work/coturn.log" "$work/evertone.log"; exit 1; }
echo "warm-up" >&2; load 3478 5 > /dev/null; load 3479 10 > /dev/null
crates=(); erates=(); cus=(); eus=(); ratios=()
for r in $(seq "$RUNS"); do
  echo "pair $r of $RUNS" >&2
  read -r a u <<< "$(run coturn 3478 "$cpids")"; crates+=("$a"); cus+=("$u")
  read -r b v <<< "$(run evertone 3479 "$epids")"; erates+=("$b"); eus+=("$v")
  ratios+=("$(awk -v c="$a" -v e="$b" 'BEGIN {printf "%.2f", e/c}')")
done
cr=$(printf '%s\n' "${crates[@]}" | median); er=$(printf '%s\n' "${erates[@]}" | median)
cm=$(printf '%s\n' "${cus[@]}" | median); em=$(printf '%s\n' "${eus[@]}" | median)
echo
echo "STUN Binding over UDP, $CLIENTS independent client processes (bench/stun_load.py) x $WINDOW in flight, $RUNS alternating pairs of $SECONDS_ s runs, $(nproc) cores shared with the clients${EVERTONE_ARGS:+, evertone $EVERTONE_ARGS}"
echo
echo "| | coturn | evertone | ratio evertone/coturn |"
echo "|---|---|---|---|"
echo "| answers/s (median) | $cr | $er | $(awk -v e="$er" -v c="$cr" 'BEGIN {printf "%.2f", e/c}') |"
echo "| ratio of each pair of runs | | | $(printf '%s ' "${ratios[@]}")(median $(printf '%s\n' "${ratios[@]}" | median)) |"
echo "| server CPU us/answer (median) | $cm | $em | $(awk -v e="$em" -v c="$cm" 'BEGIN {printf "%.2f", c/e}') (coturn/evertone) |"
