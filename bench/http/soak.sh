#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/http/soak.sh [BUILD_DIR] [SECONDS] -- the long HTTP soak: `slight run`
# serving the HTTP test guest (tests/http/guest.c, request timeout 1 s)
# under wrk -t2 -c16 for SECONDS (default 120) with the mix of
# bench/http/mix.lua (good, trapping, keyvalue and runaway handlers).
# Prints the server's RSS every 10 s, the statuses, the answers no route
# gives ("bad", must be 0), and whether the server is alive and drains on
# SIGTERM. The short version runs in the test suite (tests/http/run_http.sh).
B=${1:-build}
SECS=${2:-120}
HERE=$(cd "$(dirname "$0")" && pwd)
LIMITS='timeout = "1s"'
. "$HERE/serve.sh"
serve
echo "soak: ${SECS}s of bench/http/mix.lua, wrk -t2 -c16, slight pid $pid"
printf '  t=%4ss  RSS %6s KiB\n' 0 "$(ps -o rss= -p $pid)"
wrk -t2 -c16 -d"${SECS}s" --timeout 5s -s "$HERE/mix.lua" "http://127.0.0.1:$PORT/" >"$TMP/wrk" 2>&1 &
wpid=$!
for ((t = 10; t <= SECS; t += 10)); do
    sleep 10
    kill -0 $pid 2>/dev/null || break
    printf '  t=%4ss  RSS %6s KiB\n' $t "$(ps -o rss= -p $pid)"
done
wait $wpid
grep -E 'requests in|Requests/sec|Latency|status|bad|Socket errors' "$TMP/wrk" | sed 's/^/  /'
alive=no
[ "$(curl -s --max-time 5 "http://127.0.0.1:$PORT/hello")" = hello ] && alive=yes
echo "  server alive after the soak: $alive"
unserve
echo "  exit status after SIGTERM: $? (0: drained)"
echo "  log lines (traps and timeouts are logged): $(wc -l <"$TMP/err")"
