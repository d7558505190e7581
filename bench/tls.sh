#!/usr/bin/env bash
# TLS benchmark: evertone and Kamailio's tls module (bench/peers/kamailio-registrar.cfg with a TLS listener)
# in one run, driven by the same load client (dev.evertone.bench.TlsLoad; Debian's SIPp has no TLS).
#
# Both servers get the same RSA 2048 certificate, offer TLS 1.2 and 1.3, and hold the same users
# (u100000.. with password "pw" + user, domain bench.test). For each server, TlsLoad measures:
#   - full TLS handshakes per second, THREADS client threads, SECONDS long, and server CPU per handshake;
#   - server memory (sum of PSS) per idle TLS connection over CONNECTIONS registered connections;
#   - authenticated re-registrations per second over those connections, and server CPU per registration.
# The client runs on the same cores as the server; CPU per operation is the server's own (/proc). Each server
# first gets WARMUP seconds of the same load, unmeasured (a JIT-compiled server runs for months; Kamailio
# gets the same treatment). evertone runs with a fixed, pre-touched heap so that its memory per connection
# is exact: the heap it retains (after a full GC) plus its growth outside the heap (BoringSSL, buffers).
#
# Kamailio runs with tcp_children=1: Debian's Kamailio 5.6.3 with OpenSSL 3 frees TLS memory twice and
# crashes when two TCP workers handshake at once (kamailio/kamailio#3791; tls_threads_mode, the fix, is
# in 5.8). With one worker it survives this load.
#
# Each server is measured RUNS times after its warm-up; rates and CPU are the medians of the runs, memory
# is from the first run (later runs reuse the memory that the first one's connections freed).
#
# usage: bench/tls.sh [CONNECTIONS] [SECONDS] [THREADS] [WARMUP] [KEY] [RUNS]     defaults: 2000 20 4 20 rsa 3
#   KEY: rsa (RSA 2048) or ec (ECDSA P-256), the certificate's key for both servers
# needs: kamailio, kamailio-tls-modules, openssl (apt-get install -y kamailio kamailio-tls-modules openssl),
#        and a build (mvn -q package -DskipTests)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
CONNECTIONS=${1:-2000}; SECONDS_EACH=${2:-20}; THREADS=${3:-4}; WARMUP=${4:-20}; KEY=${5:-rsa}; RUNS=${6:-3}
JAR="$root/evertone-server/target/evertone.jar"; BENCHJAR="$root/bench/target/evertone-bench.jar"
for c in kamailio openssl java; do command -v $c >/dev/null || { echo "missing $c (apt-get install -y kamailio kamailio-tls-modules openssl)"; exit 2; }; done
[ -f /usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so ] || { echo "missing Kamailio's tls module: apt-get install -y kamailio-tls-modules"; exit 2; }
[ -f "$JAR" ] && [ -f "$BENCHJAR" ] || { echo "build first: mvn -q package -DskipTests"; exit 2; }

work=$(mktemp -d /tmp/evertone-tls-bench.XXXXXX); trap 'pkill -f "$work" 2>/dev/null; pkill -F $work/kam.pid 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
case "$KEY" in
  rsa) keyopts=(-newkey rsa:2048); keyname="RSA 2048" ;;
  ec) keyopts=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); keyname="ECDSA P-256" ;;
  *) echo "KEY must be rsa or ec"; exit 2 ;;
esac
echo "certificate: $keyname, self-signed, CN bench.test" >&2
openssl req -x509 "${keyopts[@]}" -nodes -keyout key.pem -out cert.pem -days 30 -subj "/CN=bench.test" \
  -addext "subjectAltName=DNS:bench.test,IP:127.0.0.1" 2>/dev/null
cat cert.pem key.pem > bench.pem

# Kamailio: the registrar of the UDP benchmark, plus a TLS listener on 5071
cat > tls.cfg <<TLS
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
certificate = $work/cert.pem
private_key = $work/key.pem
TLS
sed -e "s|^tcp_children=2|tcp_children=1|" -e "s|^listen=tcp:127.0.0.1:5070|listen=tcp:127.0.0.1:5070\nlisten=tls:127.0.0.1:5071\nenable_tls=yes\ntcp_max_connections=$((CONNECTIONS + 4096))\ntls_max_connections=$((CONNECTIONS + 4096))|" \
    -e "s|^loadmodule \"kex.so\"|loadmodule \"tls.so\"\nmodparam(\"tls\", \"config\", \"$work/tls.cfg\")\nloadmodule \"kex.so\"|" \
    "$here/peers/kamailio-registrar.cfg" > kamailio-tls.cfg
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
kamailio -f "$work/kamailio-tls.cfg" -P "$work/kam.pid" -m 1024 -M 32 >kamailio.log 2>&1
sleep 2
measure() { # name port pids: RUNS runs of TlsLoad, the first after the warm-up
  local out="" w=$WARMUP
  for r in $(seq "$RUNS"); do
    echo "[$1] run $r of $RUNS: $CONNECTIONS connections, $SECONDS_EACH s per phase, $THREADS threads" >&2
    local one; one=$(java -cp "$BENCHJAR" dev.evertone.bench.TlsLoad "$2" "$CONNECTIONS" "$SECONDS_EACH" "$THREADS" "$w" "$3")
    echo "$one" | sed "s/^/[$1] /" >&2
    out+="$one"$'\n'; w=0
  done
  echo "$out"
}
kam=$(measure kamailio 5071 "$(pgrep -d, -f "$work/kamailio-tls.cfg")")
pkill -F "$work/kam.pid" || true; sleep 2

# evertone: defaults, TLS on 5081 with the same certificate
java -cp "$BENCHJAR" dev.evertone.bench.Provision "$work/data" "$CONNECTIONS" 2>/dev/null
java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -jar "$JAR" serve --data-dir "$work/data" --set sip.udp-port=5080 --set sip.tcp-port=-1 --set sip.tls-port=5081 \
  --set sip.wss-port=-1 --set http.port=-1 --set tls.certificates="$work/bench.pem" --set log.level=warn > "$work/evertone.log" 2>&1 &
sleep 5
eve=$(measure evertone 5081 "$(pgrep -d, -f "$work/data")")

# the median over the runs of a figure (first: the first run's)
num() { echo "$1" | grep "^$2" | sed -E "s#.*$3.*#\1#" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
first() { echo "$1" | grep "^$2" | head -1 | sed -E "s#.*$3.*#\1#"; }
row() { # label, kamailio value, evertone value, better (higher|lower)
  local r; r=$(awk -v k="$2" -v e="$3" -v b="$4" 'BEGIN { if (k == 0 || e == 0) print "-"; else printf "%.2f", (b == "higher" ? e / k : k / e) }')
  echo "| $1 | $2 | $3 | $r |"
}
echo
echo "TLS with a $keyname certificate, $CONNECTIONS connections, $SECONDS_EACH s per phase after $WARMUP s of warm-up, medians of $RUNS runs, $THREADS client threads, $(nproc) cores shared with the client"
echo
echo "| | Kamailio tls | evertone | ratio (>= 1: evertone better) |"
echo "|---|---|---|---|"
row "full handshakes/s" "$(num "$kam" handshakes ': ([0-9]+)/s')" "$(num "$eve" handshakes ': ([0-9]+)/s')" higher
row "server CPU us/handshake" "$(num "$kam" handshakes 'CPU ([0-9]+) us')" "$(num "$eve" handshakes 'CPU ([0-9]+) us')" lower
row "server KiB per idle TLS connection" "$(first "$kam" idle ', ([0-9.]+) KiB per')" "$(first "$eve" idle ', ([0-9.]+) KiB per')" lower
row "registrations/s over TLS" "$(num "$kam" registrations ': ([0-9]+)/s')" "$(num "$eve" registrations ': ([0-9]+)/s')" higher
row "server CPU us/registration" "$(num "$kam" registrations 'CPU ([0-9]+) us')" "$(num "$eve" registrations 'CPU ([0-9]+) us')" lower
echo
echo "failures: Kamailio $(echo "$kam" | grep -oE '[0-9]+ failed' | tr '\n' ' '); evertone $(echo "$eve" | grep -oE '[0-9]+ failed' | tr '\n' ' ')"
