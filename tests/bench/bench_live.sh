#!/usr/bin/env bash
# bench_live.sh: live migration against issue 7's performance goals, with vms-live-demo.
#
#   tests/bench/bench_live.sh BUILD_DIR [-q] [-t unix|tcp|both] [-s "64 256"] [-l "100 300"]
#                             [-p "100M:5000 1G:20000"]     (bandwidth:dirty-rate pairs)
#
# For every transport, size (MiB), downtime limit (ms) and (bandwidth, dirty rate) pair it runs a
# vms-live-demo pair (--incoming and --migrate) and prints, from the source's final JSON line:
#   downtime / limit            goal <= 1.5 (measured: stop callback to the destination's verdict)
#   bytes / (size + resent * page)   goal <= 1.2 (resent: pages dirtied after they were sent)
#   iterations, pending at the switchover as expected downtime, and whether the destination
#   verified the checksum.
# Nothing is asserted: the script exits 0 whatever the ratios, non-zero only when a migration
# failed to complete or verify. -q runs a small matrix (64 MiB, unix and tcp, 100 ms). A tcp run
# picks a random port; a run that finds it taken shows as FAILED.
set -u

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 1 ] || usage
build=$1; shift
demo=$build/examples/live/vms-live-demo
transports="unix tcp"; sizes="64 256"; limits="100 300"
# bandwidth:dirty-rate pairs the bandwidth can outrun (20k pages/s is 82 MB/s of writes)
pairs="100M:0 100M:5000 100M:20000 1G:0 1G:5000 1G:20000"
while [ $# -gt 0 ]; do
    case $1 in
    -q) sizes=64; limits=100; pairs="100M:5000 1G:20000" ;;
    -t) shift; [ "$1" = both ] && transports="unix tcp" || transports=$1 ;;
    -s) shift; sizes=$1 ;;
    -l) shift; limits=$1 ;;
    -p) shift; pairs=$1 ;;
    *) usage ;;
    esac
    shift
done
[ -x "$demo" ] || { echo "bench_live: no $demo (build vms-live-demo: VMS_BUILD_GENERATOR=ON)" >&2; exit 1; }

work=$(mktemp -d /tmp/vms-bench-live.XXXXXX)
trap 'rm -rf "$work"' EXIT

# a JSON number or string from a flat object line
jget() { sed -n "s/.*\"$2\": \\(\"[^\"]*\"\\|[^,}]*\\).*/\\1/p" <<<"$1" | tr -d '"'; }

failed=0
worst_down=0; worst_bytes=0
printf '%-9s %5s %6s %6s %5s | %5s %8s %8s %7s %9s %8s %7s %s\n' transport MiB bw dirty limit \
    iter downtime expected ratio bytes_MiB resent ratio verified
for t in $transports; do
  for size in $sizes; do
    for limit in $limits; do
      for pair in $pairs; do
        bw=${pair%%:*}; rate=${pair##*:}
        if [ "$t" = unix ]; then
            uri=unix:$work/sock; rm -f "$work/sock"
        else
            uri=tcp:127.0.0.1:$((20000 + (RANDOM % 20000)))
        fi
        "$demo" --incoming "$uri" --size "$size" > "$work/dst.out" 2> "$work/dst.err" &
        dst=$!
        "$demo" --migrate "$uri" --size "$size" --dirty-rate "$rate" --bandwidth "$bw" \
            --downtime-ms "$limit" --timeout-s 120 > "$work/src.out" 2> "$work/src.err"
        wait $dst
        src=$(tail -n 1 "$work/src.out"); dl=$(tail -n 1 "$work/dst.out")
        status=$(jget "$src" status); verified=$(jget "$dl" verified)
        if [ "$status" != completed ] || [ "$verified" != true ]; then
            echo "FAILED $t $size MiB $bw $rate/s $limit ms: $src / $dl $(cat "$work/dst.err")"
            failed=1
            continue
        fi
        out=$(awk -v it="$(jget "$src" iterations)" -v down="$(jget "$src" downtime_ms)" \
            -v expd="$(jget "$src" expected_downtime_ms)" -v lim="$limit" \
            -v bytes="$(jget "$src" total_bytes)" -v sz="$(jget "$src" size_bytes)" \
            -v res="$(jget "$src" pages_resent)" -v pg="$(jget "$src" page_size)" \
            -v head="$(printf '%-9s %5s %6s %6s %5s' "$t" "$size" "$bw" "$rate" "$limit")" \
            -v ok="$verified" 'BEGIN {
                dr = down / lim; br = bytes / (sz + res * pg);
                printf "%s | %5d %5d ms %5d ms %7.2f %9.1f %8d %7.3f %s\n%.3f %.3f\n",
                       head, it, down, expd, dr, bytes / 1048576, res, br, ok, dr, br }')
        head -n 1 <<<"$out"
        set -- $(tail -n 1 <<<"$out")
        worst_down=$(awk -v a="$worst_down" -v b="$1" 'BEGIN { print (b > a ? b : a) }')
        worst_bytes=$(awk -v a="$worst_bytes" -v b="$2" 'BEGIN { print (b > a ? b : a) }')
      done
    done
  done
done
echo "worst downtime/limit $worst_down (goal <= 1.5); worst bytes/(size + resent) $worst_bytes (goal <= 1.2)"
exit $failed
