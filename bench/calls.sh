#!/usr/bin/env bash
# Call setup benchmark: evertone and Kamailio as stateful proxies (bench/peers/kamailio-proxy.cfg) in one run,
# driven by the same SIPp scenarios: the caller (bench/peers/sipp-uac-proxy-auth.xml: INVITE, 407, ACK, INVITE
# with digest, 100/180/200, ACK, BYE, 200) calls "callee", a SIPp phone (bench/peers/sipp-uas-rr.xml, which
# echoes Record-Route as phones do) registered at the proxy (bench/peers/sipp-register-callee.xml).
#
# For each server and each rate, COUNT calls are placed REPEAT times; a run is clean when it has zero failed
# calls and zero retransmissions. Reported per rate: median server CPU per call (utime+stime of all server
# processes, /proc) and clean runs; the highest rate is the highest one where most runs were clean.
#
# usage: bench/calls.sh [COUNT] [REPEAT] [RATES...]
#   defaults: 20000 calls per run, 3 runs, rates 1000 2000 3000
# needs: kamailio, sipp (apt-get install -y kamailio sip-tester), and a build (mvn -q package -DskipTests)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
COUNT=${1:-20000}; REPEAT=${2:-3}; shift $(( $# > 2 ? 2 : $# )) || true
RATES=("$@"); [ ${#RATES[@]} -eq 0 ] && RATES=(1000 2000 3000)
JAR="$root/evertone-server/target/evertone.jar"; BENCHJAR="$root/bench/target/evertone-bench.jar"
for c in kamailio sipp java; do command -v $c >/dev/null || { echo "missing $c (apt-get install -y kamailio sip-tester)"; exit 2; }; done
[ -f "$JAR" ] && [ -f "$BENCHJAR" ] || { echo "build first: mvn -q package -DskipTests"; exit 2; }

work=$(mktemp -d /tmp/evertone-calls.XXXXXX)
trap 'pkill -f "$work" 2>/dev/null; pkill -F $work/kam.pid 2>/dev/null; pkill -F $work/uas.pid 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
bash "$here/peers/make-users.sh" 1000 > uac.csv
printf 'SEQUENTIAL\ncallee;[authentication username=callee password=pwcallee]\n' > callee.csv
UAC=(-sf "$here/peers/sipp-uac-proxy-auth.xml" -inf uac.csv -i 127.0.0.1 -p 6001 -l 20000 -buff_size 4194304 -nostdin)
source "$here/ladder.sh"

# one server: register the callee, start it, warm up, then the rate ladder; prints "rate median_us clean" lines
measure() { # name port pids
  local name=$1 port=$2 pids=$3
  sipp -sf "$here/peers/sipp-register-callee.xml" -inf callee.csv -i 127.0.0.1 -p 5080 -m 1 -nostdin 127.0.0.1:$port > reg.out 2>&1 \
    || { echo "[$name] the callee could not register:"; tail -20 reg.out; exit 1; } >&2
  sipp -sf "$here/peers/sipp-uas-rr.xml" -i 127.0.0.1 -p 5080 -buff_size 4194304 -nostdin -bg > uas.out 2>&1
  pgrep -n -f "sipp-uas-rr.xml" > uas.pid
  echo "[$name] warming up: 2 x $COUNT calls at 1000/s" >&2
  for w in 1 2; do sipp "${UAC[@]}" 127.0.0.1:$port -m "$COUNT" -r 1000 > warm.out 2>&1 || true; done
  ladder "$name" "$pids" call "${UAC[@]}" 127.0.0.1:$port
  pkill -F uas.pid || true; sleep 5 # the UAS's last calls end their timewait
}

# Kamailio: users' passwords "pw" + user derived in the config, the callee saved without authentication
kamailio -f "$here/peers/kamailio-proxy.cfg" -P "$work/kam.pid" -m 512 -M 32 >/dev/null 2>&1
sleep 2
kam=$(measure kamailio 5072 "$(pgrep -d' ' kamailio)")
pkill -F "$work/kam.pid" || true; sleep 1

# evertone: the same users and the callee in its store, defaults otherwise
java -cp "$BENCHJAR" dev.evertone.bench.Provision "$work/data" 1000
java -jar "$JAR" serve --data-dir "$work/data" --set sip.udp-port=5090 --set sip.tcp-port=-1 --set http.port=-1 \
  --set log.level=warn > "$work/evertone.log" 2>&1 &
sleep 5
eve=$(measure evertone 5090 "$(pgrep -f "$work/data" | tr '\n' ' ')")

echo
echo "Calls through the proxy (INVITE/407/ACK/INVITE/100/180/200/ACK/BYE/200), $COUNT per run, $REPEAT runs per rate,"
echo "$(nproc) cores shared with the SIPp caller and callee"
echo
echo "| calls/s | Kamailio us/call | clean | evertone us/call | clean | CPU ratio Kamailio/evertone |"
echo "|---|---|---|---|---|---|"
paste -d' ' <(echo "$kam") <(echo "$eve") | while read -r rate ku kc _ eu ec; do
  echo "| $rate | $ku | $kc/$REPEAT | $eu | $ec/$REPEAT | $(awk -v e="$eu" -v k="$ku" 'BEGIN {printf "%.2f", k/e}') |"
done
best() { echo "$1" | awk -v r="$REPEAT" '$3 * 2 > r {b=$1} END {print b+0}'; }
echo
echo "highest rate with zero failures and zero retransmissions in most runs: Kamailio $(best "$kam")/s, evertone $(best "$eve")/s"
