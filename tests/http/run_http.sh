#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# run_http.sh SLIGHT GUEST_WASM -- starts `slight run` on free ports with the
# test guest (guest.c) and checks, with curl, routing, methods, headers and
# bodies both ways, 404/405/204, error values, a trap and a runaway handler
# (the server lives on, other requests are not held up), fresh state per
# request, keyvalue and messaging in a request,
# several servers, on-server-init's Err and the SIGTERM drain. TAP output.
# Run once with guest worker threads and once with SLIGHT_HTTP_WORKERS=0.
SLIGHT=$1
WASM=$2
TMP=$(mktemp -d)
export LSAN_OPTIONS="suppressions=$(cd "$(dirname "$0")" && pwd)/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
n=0
failed=0
pid=

cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n - $1"
    shift
    for l in "$@"; do echo "# $l"; done
}
# check NAME GOT WANT
check() {
    if [ "$2" = "$3" ]; then ok "$1"; else nok "$1" "got:  $(printf %q "$2")" "want: $(printf %q "$3")"; fi
}
# contains NAME HAYSTACK NEEDLE
contains() {
    case "$2" in
    *"$3"*) ok "$1" ;;
    *) nok "$1" "missing: $3" "in: $(printf %q "$2")" ;;
    esac
}
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

P1=$(free_port)
P2=$(free_port)
P3=$(free_port)
URL=http://127.0.0.1:$P1
cat >"$TMP/slightfile.toml" <<TOML
specversion = "0.2"

[[capability]]
resource = "http"
name = "api"

[[capability]]
resource = "keyvalue.memory"
name = "store"

[[capability]]
resource = "messaging.memory"
name = "bus"

[limits]
timeout = "1s"
max_request_body = "64KiB"
TOML

SLIGHT_HTTP_NATIVE_BASELINE=/native-hello \
"$SLIGHT" -c "$TMP/slightfile.toml" run "$WASM" --env PORT="$P1" --env PORT2="$P2" \
    --env PORT3="$P3" >"$TMP/out" 2>"$TMP/err" &
pid=$!
for _ in $(seq 1 600); do
    grep -q "listening on http://127.0.0.1:$P2" "$TMP/err" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
contains "listening line on stderr" "$(cat "$TMP/err")" "listening on http://127.0.0.1:$P1"
contains "a bind failure is an error value" "$(cat "$TMP/err")" "Address already in use"

# status, then headers and body: curl -si with CR removed
req() { curl -s -i --max-time 20 "$@" | tr -d '\r'; }
body() { curl -s --max-time 20 "$@"; }
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$@"; }

check "GET /hello" "$(body "$URL/hello")" "hello"
check "trailing slash optional" "$(body "$URL/hello/")" "hello"
check ":name parameter, percent-decoded, query not matched" \
    "$(body "$URL/person/bob%20x?q=1")" "name=bob x uri=/person/bob%20x?q=1"
check "two parameters" "$(body "$URL/a/1/b/2")" "x=1 y=2 uri=/a/1/b/2"
check "wildcard" "$(body "$URL/files/a/b/c.txt")" "uri=/files/a/b/c.txt"
check "GET and PUT on one path: GET's handler" "$(body "$URL/x")" "x get"
check "GET and PUT on one path: PUT's handler" "$(body -X PUT "$URL/x")" "x put"
check "a route without a leading / never matches" "$(status "$URL/no-slash")" "404"
check "bench/http's native baseline (SLIGHT_HTTP_NATIVE_BASELINE): GET answers as /hello" \
    "$(req "$URL/native-hello/" | grep -v -i '^date:')" "$(req "$URL/hello" | grep -v -i '^date:')"
check "the native baseline is GET only: 404 for POST" "$(status -X POST "$URL/native-hello")" "404"

for m in GET:0 POST:1 PUT:2 DELETE:3; do
    r=$(req -X "${m%%:*}" --data-binary "payload" "$URL/echo")
    contains "${m%%:*} reaches its handler" "$r" "x-method: ${m##*:}"
done
r=$(req -X POST -H 'X-Custom: abc' -H 'Content-Type: application/octet-stream' \
    --data-binary "hello body" "$URL/echo")
contains "handler's status" "$r" "HTTP/1.1 201"
contains "request header names lower-case" "$r" "x-names: host,"
contains "request header value reaches the guest" "$r" "x-custom-echo: abc"
contains "response headers (names lower-case)" "$r" "x-upper-case: yes"
contains "CORS headers on a handler's answer" "$r" "access-control-allow-origin: *"
contains "body echoed" "$r" "hello body"
head -c 40000 /dev/urandom >"$TMP/bin"
body -X POST --data-binary @"$TMP/bin" "$URL/echo" >"$TMP/bin.out"
if cmp -s "$TMP/bin" "$TMP/bin.out"; then ok "binary body both ways (40000 bytes)"; else nok "binary body both ways"; fi
r=$(req -X POST -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/bin" "$URL/echo")
contains "chunked request body accepted" "$r" "HTTP/1.1 201"
head -c 70000 /dev/zero >"$TMP/big"
r=$(req -X POST --data-binary @"$TMP/big" "$URL/echo")
contains "body over max_request_body: 413" "$r" "HTTP/1.1 413"
contains "CORS headers on h2o's own 413" "$r" "access-control-allow-origin: *"
check "empty body is Some (empty)" "$(status -X POST "$URL/echo")" "201"

r=$(req "$URL/nothing-here")
contains "no route: 404" "$r" "HTTP/1.1 404"
contains "404 body" "$r" "Not Found"
contains "CORS headers on a 404" "$r" "access-control-expose-headers: *"
r=$(req -X DELETE "$URL/hello")
contains "path only for other methods: 405" "$r" "HTTP/1.1 405"
contains "405 lists Allow" "$r" "allow: GET"
r=$(req -X PUT "$URL/x/")
contains "two methods on a path: no 405 for PUT" "$r" "x put"
r=$(req -X OPTIONS "$URL/anything")
contains "OPTIONS: 204" "$r" "HTTP/1.1 204"
contains "CORS headers on a 204" "$r" "access-control-allow-methods: *"

check "Err(status-error(418)): 418" "$(status "$URL/teapot")" "418"
r=$(req "$URL/boom")
contains "other Err: 500" "$r" "HTTP/1.1 500"
contains "other Err: short text" "$r" "unexpected-error: boom"
r=$(req "$URL/trap")
contains "trapping handler: 500" "$r" "HTTP/1.1 500"
contains "CORS headers on a 500" "$r" "access-control-allow-headers: *"
check "alive after a trap" "$(body "$URL/hello")" "hello"
check "missing export: 500" "$(status "$URL/missing")" "500"
start=$(date +%s%N)
check "endless loop: 504 at the timeout" "$(status "$URL/loop")" "504"
ms=$((($(date +%s%N) - start) / 1000000))
if [ "$ms" -lt 5000 ]; then ok "interrupted after ${ms} ms (timeout 1s)"; else nok "interrupted too late: ${ms} ms"; fi
check "alive after a runaway handler" "$(body "$URL/hello")" "hello"
if [ "${SLIGHT_HTTP_WORKERS:-}" = 0 ]; then
    ok "runaway handlers do not stall other requests # SKIP guests run on the event loops"
else
    loops=
    for i in 1 2 3; do
        status "$URL/loop" >"$TMP/loop$i" &
        loops="$loops $!"
    done
    sleep 0.3
    check "runaway handlers do not stall other requests" "$(body "$URL/hello")" "hello"
    running=0
    for l in $loops; do kill -0 "$l" 2>/dev/null && running=$((running + 1)); done
    check "... answered while the three runaway handlers still ran" "$running" "3"
    wait $loops
    check "each runaway handler answered 504" "$(cat "$TMP/loop1" "$TMP/loop2" "$TMP/loop3")" "504504504"
fi
curl -s --max-time 0.3 "$URL/loop" >/dev/null
check "client gone before the answer: server alive" "$(body "$URL/hello")" "hello"
check "state: first request" "$(body "$URL/state")" "1"
check "state written in one request invisible in the next" "$(body "$URL/state")" "1"
check "keyvalue inside a request" "$(body "$URL/kv")" "1"
check "keyvalue persists across requests" "$(body "$URL/kv")" "2"
check "messaging inside a request" "$(body -X POST --data-binary "news!" "$URL/msg")" "news!"
contains "serve from a request instance: error value" "$(body "$URL/serve")" "serve failed: "
check "second server with new-with-base" "$(body "http://127.0.0.1:$P2/api/ping")" "hello"
check "new-with-base: the route alone does not match" "$(status "http://127.0.0.1:$P2/ping")" "404"
check "stopped server refuses connections" "$(status "http://127.0.0.1:$P3/hello")" "000"
r=$(curl -s --max-time 20 "$URL/hello" "$URL/hello" -w '%{num_connects}\n')
contains "keep-alive: one connection for two requests" "$r" "hello0"
n_before=$(grep -c . "$TMP/err")
for i in $(seq 1 50); do body "$URL/state" >/dev/null; done
check "50 more requests" "$(body "$URL/state")" "1"

# The short soak (the long one is bench/http/soak.sh): 3 s of good,
# trapping, keyvalue and runaway handlers from wrk, 8 connections.
if command -v wrk >/dev/null; then
    wrk -t2 -c8 -d3s --timeout 5s -s "$(dirname "$0")/../../bench/http/mix.lua" "$URL/" \
        >"$TMP/soak" 2>&1
    total=$(awk '/requests in/ {print $1}' "$TMP/soak")
    if [ "${total:-0}" -gt 100 ]; then ok "soak: $total requests"; else nok "soak: ${total:-no} requests: $(tr '\n' ' ' <"$TMP/soak")"; fi
    check "soak: no answer that no route gives" "$(awk '/^bad/ {print $2}' "$TMP/soak")" "0"
    contains "soak: traps answered 500" "$(cat "$TMP/soak")" "status 500"
    check "alive after the soak" "$(body "$URL/hello")" "hello"
    check "a fresh instance after the soak" "$(body "$URL/state")" "1"
elif [ "${CI:-}" = true ]; then
    nok "soak: wrk is not installed (tools/setup.sh installs it)"
else
    ok "soak # SKIP wrk is not installed"
fi

kill -TERM "$pid"
wait "$pid"
check "SIGTERM: drained, exit 0" "$?" "0"
pid=

# on-server-init returning Err
"$SLIGHT" -c "$TMP/slightfile.toml" run "$WASM" --env PORT="$P1" --env FAIL_INIT=1 \
    >"$TMP/out2" 2>"$TMP/err2"
check "on-server-init Err: exit 1" "$?" "1"
check "on-server-init Err: message" "$(cat "$TMP/err2")" "Error: init failed on purpose"

echo "1..$n"
[ "$failed" = 0 ]
