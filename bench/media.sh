#!/usr/bin/env bash
# Media relay benchmark: evertone's anchored calls (media.anchor=always) and rtpengine (Debian, userspace,
# --table=-1) in one run, loaded by the same RTP client (bench/src/main/java/dev/evertone/bench/RtpLoad.java): N
# concurrent G.711 calls, each two endpoints sending 172-byte RTP packets every 20 ms to their relay port, both
# directions (100 relayed packets/s per call). Sessions are set up the way each relay is driven: rtpengine by its NG
# protocol (offer/answer with trust-address, delete); evertone through its SIP proxy (the client registers "callee"
# with the same contact, 127.0.0.1:5098, every run;
# places each call as an authenticated INVITE from a provisioned user, answers it with 200 OK, ACKs; BYE at the end),
# the relay ports read from the SDP each side receives.
#
# Both servers run for the whole benchmark and their measured runs alternate (rtpengine, evertone, ...). Per run:
# set up N calls, WARM seconds of load, then MEASURE seconds measured: server CPU per relayed packet (utime+stime of
# every thread of the server process, /proc/PID/stat, read by the client at the window's edges; for evertone the
# whole JVM, which also does the SIP of the calls' setup - not inside the window - and its own housekeeping), loss
# (packets sent in the window that never arrived) and the receiver's RFC 3550 interarrival jitter of each stream
# (from the send time carried in the payload; mean over streams and the highest). Reported per call count: medians
# of RUNS pairs, the median of the pairs' CPU ratios (rtpengine/evertone: >= 1 means evertone costs no more), and the
# highest call count where most runs were clean (loss < 0.1 % and mean jitter <= 5 ms). Memory per call: VmRSS after
# setting up and loading the largest N calls minus VmRSS before, divided by N, in each server's first run after
# start (cold) and in the measured runs of the largest N (warm: heap and pools already grown).
#
# usage: bench/media.sh [RUNS] [MEASURE] [CALLS...]
#   defaults: 3 pairs of runs, 10 s measured (after WARM=3 s of load), calls 100 200 300 500
#   WARMUPS (default 2): unmeasured runs per server at the largest N before the first measured one (JIT)
# needs: rtpengine, java (apt-get install -y rtpengine) and a build (mvn -q package -DskipTests)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
RUNS=${1:-3}; MEASURE=${2:-10}; shift $(( $# > 2 ? 2 : $# )) || true
CALLS=("$@"); [ ${#CALLS[@]} -eq 0 ] && CALLS=(100 200 300 500)
WARM=${WARM:-3}; WARMUPS=${WARMUPS:-2}
JAR="$root/evertone-server/target/evertone.jar"; BENCHJAR="$root/bench/target/evertone-bench.jar"
for c in rtpengine java; do command -v $c >/dev/null || { echo "missing $c (apt-get install -y rtpengine)"; exit 2; }; done
[ -f "$JAR" ] && [ -f "$BENCHJAR" ] || { echo "build first: mvn -q package -DskipTests"; exit 2; }
work=$(mktemp -d /tmp/evertone-media.XXXXXX)
trap 'pkill -F "$work/rtpe.pid" 2>/dev/null; pkill -F "$work/eve.pid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
# copies, so that a rebuild elsewhere during the run changes nothing
cp "$JAR" evertone.jar; cp "$BENCHJAR" bench.jar
hz=$(getconf CLK_TCK)
max=$(printf '%s\n' "${CALLS[@]}" | sort -n | tail -1)
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { echo "$1" | grep -o "$2=[^ ]*" | cut -d= -f2 || true; }

rtpengine --foreground --table=-1 --interface=127.0.0.1 --listen-ng=127.0.0.1:22222 --port-min=30000 --port-max=39999 \
  --log-stderr --log-level=4 > rtpengine.log 2>&1 &
echo $! > rtpe.pid
java -cp bench.jar dev.evertone.bench.Provision "$work/data" 1000 2> provision.log
java -jar evertone.jar serve --data-dir "$work/data" --set sip.udp-port=5090 --set sip.tcp-port=-1 --set http.port=-1 \
  --set log.level=warn --set media.anchor=always --set media.host=127.0.0.1 ${EVERTONE_ARGS:-} > evertone.log 2>&1 &
echo $! > eve.pid
sleep 6
rpid=$(cat rtpe.pid); epid=$(cat eve.pid)
kill -0 "$rpid" && kill -0 "$epid" || { echo "a server did not start:"; tail rtpengine.log evertone.log; exit 1; }

load() { # name n warm measure -> the client's result line (also on stderr)
  local name=$1 n=$2 out
  if [ "$name" = rtpengine ]; then
    out=$(java -Dhz="$hz" -cp bench.jar dev.evertone.bench.RtpLoad ng 127.0.0.1:22222 "$n" "$3" "$4" "$rpid" 2> client.err) || true
  else
    out=$(java -Dhz="$hz" -cp bench.jar dev.evertone.bench.RtpLoad sip 127.0.0.1:5090 "$n" "$3" "$4" "$epid" 1000 2> client.err) || true
  fi
  [ -n "$out" ] || { echo "[$name] the load client failed:"; tail -5 client.err; } >&2
  echo "[$name] $out" >&2
  echo "${out:-calls=$n loss_pct=100}"
}
perkb() { awk -v a="$(field "$1" rss_before_kb)" -v b="$(field "$1" rss_load_kb)" -v n="$2" 'BEGIN {printf "%.1f", (b - a) / n}'; }

# first run of each server after start: memory per call, cold
echo "memory, cold: $max calls on each server" >&2
rcold=$(perkb "$(load rtpengine "$max" 2 2)" "$max"); ecold=$(perkb "$(load evertone "$max" 2 2)" "$max")
for w in $(seq "$WARMUPS"); do
  echo "warm-up $w of $WARMUPS" >&2; load rtpengine "$max" 2 4 > /dev/null; load evertone "$max" 2 4 > /dev/null
done

rows=(); best_r=0; best_e=0
clean() { awk -v l="$(field "$1" loss_pct)" -v j="$(field "$1" jitter_mean_ms)" 'BEGIN {print (l != "" && l < 0.1 && j != "" && j <= 5) ? 1 : 0}'; }
for n in "${CALLS[@]}"; do
  ru=(); eu=(); ratios=(); rl=(); el=(); rj=(); ej=(); rm=(); em=(); rc=0; ec=0; rmem=(); emem=()
  for r in $(seq "$RUNS"); do
    echo "$n calls: pair $r of $RUNS" >&2
    a=$(load rtpengine "$n" "$WARM" "$MEASURE"); b=$(load evertone "$n" "$WARM" "$MEASURE")
    ru+=("$(field "$a" us_per_packet)"); eu+=("$(field "$b" us_per_packet)")
    ratios+=("$(awk -v x="$(field "$a" us_per_packet)" -v y="$(field "$b" us_per_packet)" 'BEGIN {if (x > 0 && y > 0) printf "%.2f", x/y; else print "nan"}')")
    rl+=("$(field "$a" loss_pct)"); el+=("$(field "$b" loss_pct)")
    rj+=("$(field "$a" jitter_mean_ms)"); ej+=("$(field "$b" jitter_mean_ms)")
    rm+=("$(field "$a" jitter_max_ms)"); em+=("$(field "$b" jitter_max_ms)")
    rc=$((rc + $(clean "$a"))); ec=$((ec + $(clean "$b")))
    rmem+=("$(perkb "$a" "$n")"); emem+=("$(perkb "$b" "$n")")
  done
  med() { printf '%s\n' "$@" | median; }
  rows+=("| $n | $((n * 100)) | $(med "${ru[@]}") | $(med "${eu[@]}") | $(printf '%s ' "${ratios[@]}")(median $(med "${ratios[@]}")) | $(med "${rl[@]}") / $(med "${el[@]}") | $(med "${rj[@]}") / $(med "${ej[@]}") | $(med "${rm[@]}") / $(med "${em[@]}") | $rc/$RUNS / $ec/$RUNS |")
  [ $((rc * 2)) -gt "$RUNS" ] && best_r=$n
  [ $((ec * 2)) -gt "$RUNS" ] && best_e=$n
  [ "$n" = "$max" ] && { rwarm=$(med "${rmem[@]}"); ewarm=$(med "${emem[@]}"); }
done

echo
echo "Media relay: concurrent G.711 calls (172-byte RTP every 20 ms each way), rtpengine $(rtpengine --version 2>&1 | grep -o '[0-9][0-9.]*[^ ]*' | head -1) userspace (--table=-1, NG)"
echo "and evertone (media.anchor=always, calls through its SIP proxy); $RUNS alternating pairs per call count, ${MEASURE} s measured after"
echo "${WARM} s of load, $WARMUPS unmeasured runs per server first; $(nproc) cores shared with the load client (one sender, one receiver thread)"
echo
echo "| calls | packets/s relayed | rtpengine us/packet | evertone us/packet | CPU ratio rtpengine/evertone, each pair | loss % rtpengine / evertone | mean jitter ms rtpengine / evertone | max stream jitter ms rtpengine / evertone | clean runs rtpengine / evertone |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "memory per call (VmRSS after setting up and loading $max calls minus before, / $max): rtpengine ${rcold} kB cold, ${rwarm:-?} kB warm; evertone ${ecold} kB cold, ${ewarm:-?} kB warm"
echo "highest call count with loss < 0.1 % and mean jitter <= 5 ms in most runs: rtpengine $best_r, evertone $best_e"
echo "(server CPU: rtpengine's process; evertone's whole JVM - relay, SIP stack, timers, GC, JIT)"
