#!/usr/bin/env bash
# Registration benchmark: evertone and Kamailio (bench/peers/kamailio-registrar.cfg) in one run, driven by
# the same SIPp scenario (bench/peers/sipp-register-auth.xml: REGISTER, 401, REGISTER with digest, 200).
#
# For each server and each rate, the same COUNT registrations are sent REPEAT times; a run is clean when it
# has zero failed calls and zero retransmissions. Reported per rate: median server CPU per authenticated
# registration (utime+stime of all server processes, /proc), and clean runs. The highest rate is the highest
# one where most runs were clean.
#
# usage: bench/registration.sh [USERS] [COUNT] [REPEAT] [RATES...]
#   defaults: 100000 users, 50000 registrations per run, 3 runs, rates 2000 4000 6000 8000 10000 12000
# needs: kamailio, sipp (apt-get install -y kamailio sip-tester), and a build (mvn -q package -DskipTests)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
USERS=${1:-100000}; COUNT=${2:-50000}; REPEAT=${3:-3}; shift $(( $# > 3 ? 3 : $# )) || true
RATES=("$@"); [ ${#RATES[@]} -eq 0 ] && RATES=(2000 4000 6000 8000 10000 12000)
JAR="$root/evertone-server/target/evertone.jar"; BENCHJAR="$root/bench/target/evertone-bench.jar"
for c in kamailio sipp java; do command -v $c >/dev/null || { echo "missing $c (apt-get install -y kamailio sip-tester)"; exit 2; }; done
[ -f "$JAR" ] && [ -f "$BENCHJAR" ] || { echo "build first: mvn -q package -DskipTests"; exit 2; }

work=$(mktemp -d /tmp/evertone-bench.XXXXXX); trap 'pkill -f "$work" 2>/dev/null; pkill -F $work/kam.pid 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
bash "$here/peers/make-users.sh" "$USERS" > users.csv
SIPP_OPTS=(-sf "$here/peers/sipp-register-auth.xml" -inf users.csv -l 20000 -buff_size 4194304 -nostdin)
# NEW_BINDINGS=1: SIPp on a new port each run, so that every registration adds a binding (its Contact names
# the port) instead of refreshing one: what evertone writes to the store before the 200 OK, where Kamailio
# (usrloc db_mode 0) keeps it in memory. At most 10 runs per user (registrar.max-contacts-per-aor).
[ "${NEW_BINDINGS:-0}" = 1 ] || SIPP_OPTS+=(-p 6001)
source "$here/ladder.sh"

# one server: warm up, then the rate ladder; prints "rate median_us clean" lines
measure() { # name port pids
  local name=$1 port=$2 pids=$3
  echo "[$name] warming up: 2 x $COUNT registrations at 3000/s" >&2
  for w in 1 2; do sipp "${SIPP_OPTS[@]}" 127.0.0.1:$port -m "$COUNT" -r 3000 > warm.out 2>&1 || true; done
  ladder "$name" "$pids" registration "${SIPP_OPTS[@]}" 127.0.0.1:$port
}

# Kamailio: in-memory usrloc, password "pw" + user derived in the config
kamailio -f "$here/peers/kamailio-registrar.cfg" -P "$work/kam.pid" -m 512 -M 32 >/dev/null 2>&1
sleep 2
kam=$(measure kamailio 5070 "$(pgrep -d' ' kamailio)")
pkill -F "$work/kam.pid" || true; sleep 1

# evertone: the same users in its store, defaults otherwise
java -cp "$BENCHJAR" dev.evertone.bench.Provision "$work/data" "$USERS"
java -jar "$JAR" serve --data-dir "$work/data" --set sip.udp-port=5080 --set sip.tcp-port=-1 --set http.port=-1 \
  --set log.level=warn > "$work/evertone.log" 2>&1 &
sleep 5
eve=$(measure evertone 5080 "$(pgrep -f "$work/data" | tr '\n' ' ')")

echo
echo "Authenticated registrations, $COUNT per run, $REPEAT runs per rate, $(nproc) cores shared with SIPp"
echo
echo "| rate/s | Kamailio us/reg | clean | evertone us/reg | clean | CPU ratio evertone/Kamailio |"
echo "|---|---|---|---|---|---|"
paste -d' ' <(echo "$kam") <(echo "$eve") | while read -r rate ku kc _ eu ec; do
  echo "| $rate | $ku | $kc/$REPEAT | $eu | $ec/$REPEAT | $(awk -v e="$eu" -v k="$ku" 'BEGIN {printf "%.2f", e/k}') |"
done
best() { echo "$1" | awk -v r="$REPEAT" '$3 * 2 > r {b=$1} END {print b+0}'; }
echo
echo "highest rate with zero failures and zero retransmissions in most runs: Kamailio $(best "$kam")/s, evertone $(best "$eve")/s"
