# Shared by the SIPp benchmarks (bench/registration.sh, bench/calls.sh): the rate ladder and its measures.
# Source it; it needs COUNT, REPEAT and RATES set.

# utime+stime clock ticks of the processes $1 (a space-separated pid list), from /proc
ticks() { local t=0; for p in $1; do t=$((t + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo $t; }
hz=$(getconf CLK_TCK)

# a cumulative counter of a SIPp statistics file (-trace_stat -stf FILE): field FILE NAME
field() { paste -d= <(head -1 "$1" | tr ';' '\n') <(tail -1 "$1" | tr ';' '\n') | awk -F= -v f="$2" '$1==f {print $2}'; }

# ladder NAME PIDS UNIT SIPP_ARGS...: COUNT operations at each rate of RATES, REPEAT times; server CPU per
# operation and whether the run was clean (zero failed calls, zero retransmissions).
# Prints "rate median_us clean_runs" lines; progress goes to stderr.
ladder() {
  local name=$1 pids=$2 unit=$3; shift 3
  for rate in "${RATES[@]}"; do
    local us=() clean=0
    for r in $(seq "$REPEAT"); do
      local c0; c0=$(ticks "$pids")
      sipp "$@" -m "$COUNT" -r "$rate" -trace_stat -stf stat.csv > run.out 2>&1 || true
      local c1; c1=$(ticks "$pids")
      local failed retrans each
      failed=$(field stat.csv "FailedCall(C)"); retrans=$(field stat.csv "Retransmissions(C)")
      each=$(( (c1 - c0) * 1000000 / hz / COUNT ))
      us+=("$each")
      [ "$failed" = "0" ] && [ "$retrans" = "0" ] && clean=$((clean + 1))
      echo "[$name] rate $rate run $r: $each us/$unit, failed $failed, retransmissions $retrans" >&2
      rm -f stat.csv
    done
    # the median: the middle run, or the mean of the two middle ones when the count is even
    echo "$rate $(printf '%s\n' "${us[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}') $clean"
  done
}
