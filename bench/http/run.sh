#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/http/run.sh [BUILD_DIR] [SECONDS] -- wrk against `slight run` serving
# the HTTP test guest (tests/http/guest.c): GET /hello through a fresh guest
# instance per request; GET /native-hello, the same answer made by a C
# handler in the same server after the same dispatch, on the same threads
# (SLIGHT_HTTP_NATIVE_BASELINE; the native baseline of the ratio); and GET
# /nothing, a 404 the event loop answers itself (no dispatch at all). Once
# with the guests on worker threads (default) and once on the event loops
# (SLIGHT_HTTP_WORKERS=0). Prints requests/s, p99 and the ratio
# guest/native handler. Needs wrk (Debian).
B=${1:-build}
SECS=${2:-10}
. "$(dirname "$0")/serve.sh"

# rate URL -> "REQ_PER_S P99"
rate() {
    wrk -t1 -c16 -d"${SECS}s" --latency "$1" 2>/dev/null |
        awk '/Requests\/sec/ {r=$2} / 99%/ {p=$2} END {print r, p}'
}

for mode in workers inline; do
    workers=
    [ $mode = inline ] && workers=0
    serve SLIGHT_HTTP_NATIVE_BASELINE=/native-hello SLIGHT_HTTP_WORKERS=$workers
    read -r guest gp99 <<<"$(rate "http://127.0.0.1:$PORT/hello")"
    read -r native np99 <<<"$(rate "http://127.0.0.1:$PORT/native-hello")"
    read -r loop lp99 <<<"$(rate "http://127.0.0.1:$PORT/nothing")"
    rss=$(ps -o rss= -p $pid)
    unserve
    printf '%-8s guest /hello %9s req/s (p99 %s)   native handler %9s req/s (p99 %s)   ratio %s (target >= 0.7)   404 by the loop %9s req/s   RSS %s KiB\n' \
        $mode "$guest" "$gp99" "$native" "$np99" \
        "$(awk -v g="$guest" -v n="$native" 'BEGIN {printf "%.2f", g / n}')" "$loop" "$rss"
done

# System calls per request (worker threads): strace -c -f attached to the
# server (every thread) while wrk sends /hello, then /native-hello, for SECS/2 s each. strace
# slows the server, so the requests batch less than unobserved: an upper bound.
if command -v strace >/dev/null; then
    serve SLIGHT_HTTP_NATIVE_BASELINE=/native-hello
    for path in hello native-hello; do
        strace -c -f -q -p $pid -o "$TMP/strace.$path" & # -f -p: every thread
        spid=$!
        sleep 0.5
        reqs=$(wrk -t1 -c16 -d"$((SECS / 2 > 1 ? SECS / 2 : 2))s" "http://127.0.0.1:$PORT/$path" 2>/dev/null |
            awk '/requests in/ {print $1}')
        kill -INT $spid
        wait $spid 2>/dev/null
        calls=$(awk '/total$/ {print $4}' "$TMP/strace.$path") # % seconds usecs/call calls
        printf 'syscalls per request, /%-13s %s (%s calls, %s requests, under strace)\n' "$path" \
            "$(awk -v c="$calls" -v r="$reqs" 'BEGIN {printf "%.1f", r ? c / r : 0}')" "$calls" "$reqs"
    done
    unserve
fi
