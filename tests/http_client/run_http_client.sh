#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The http-client capability end to end: `slight run` of a C guest
# (guest.c) that sends requests to a local HTTP server (server.py, started
# here on a free port of 127.0.0.1). Methods, every status as Ok, binary
# bodies both ways, headers both ways, params in the query, redirects,
# ALLOWED_HOSTS, TIMEOUT, connection reuse and each error case. TAP.
# With PROXY.wasm (proxy_guest.c), also http-client inside HTTP handlers.
#   run_http_client.sh SLIGHT GUEST.wasm SERVER.py [PROXY.wasm]
set -u
# the server is local: no proxy from the environment
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
slight=$1 guest=$2 server=$3 proxy=${4:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/slight-httpc.XXXXXX")
srv= app= tls=
cleanup() {
    [ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
    [ -n "$tls" ] && kill "$tls" 2>/dev/null && wait "$tls" 2>/dev/null
    [ -n "$app" ] && kill "$app" 2>/dev/null && wait "$app" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() {
    n=$((n + 1)); failed=1; echo "not ok $n - $1"
    [ -n "${2:-}" ] && echo "# $2"
    sed 's/^/# /' "$work/out" | head -30
}

python3 "$server" 127.0.0.1 >"$work/port" 2>"$work/server.err" &
srv=$!
for _ in $(seq 1 100); do
    [ -s "$work/port" ] && break
    sleep 0.1
done
P=$(cat "$work/port")
if [ -z "$P" ]; then
    echo "Bail out! the test server did not start: $(cat "$work/server.err")"
    exit 1
fi
U=http://127.0.0.1:$P
# a port nobody listens on
CLOSED=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# sf NAME [config lines...]: a v0.2 slightfile declaring http-client
sf() {
    local f=$work/$1.toml; shift
    { echo 'specversion = "0.2"'; echo '[[capability]]'; echo 'resource = "http-client"'
      echo 'name = "client"'
      if [ $# -gt 0 ]; then echo '[capability.configs]'; for c in "$@"; do echo "$c"; done; fi
    } >"$f"
    echo "$f"
}
ALL=$(sf all)

# g SLIGHTFILE METHOD URL [guest options]: runs the guest, output in $work/out
g() {
    local f=$1; shift
    "$slight" -c "$f" run "$guest" -- "$@" >"$work/out" 2>&1
    echo "rc $?" >>"$work/out"
    sanitized
}
# sanitized: keeps any sanitizer report of the last run for the end
sanitized() {
    if grep -q "ERROR: \(AddressSanitizer\|LeakSanitizer\)\|runtime error" "$work/out"; then
        cat "$work/out" >>"$work/sanitizer"
    fi
}
# has NAME LINE...: every LINE is a whole line of the output
has() {
    local name=$1; shift
    for l in "$@"; do
        if ! grep -qxF -- "$l" "$work/out"; then notok "$name" "missing line: $l"; return; fi
    done
    ok "$name"
}
# hasnt NAME LINE: LINE is not a line of the output
hasnt() {
    if grep -qxF -- "$2" "$work/out"; then notok "$1" "unexpected line: $2"; else ok "$1"; fi
}
# like NAME TEXT: TEXT is part of the output
like() {
    if grep -qF -- "$2" "$work/out"; then ok "$1"; else notok "$1" "missing: $2"; fi
}

# methods
g "$ALL" GET "$U/echo"
has "GET" "ok 200" "h x-method: GET" "body-len 0" "rc 0"
for m in POST PUT PATCH DELETE OPTIONS; do
    g "$ALL" "$m" "$U/echo" -b "payload $m"
    has "$m with a body" "ok 200" "h x-method: $m" "body payload $m" "h x-req-content-length: $((8 + ${#m}))"
done
g "$ALL" HEAD "$U/echo"
has "HEAD: headers, empty body" "ok 200" "h x-method: HEAD" "body-len 0"
g "$ALL" POST "$U/echo"
has "POST without a body sends Content-Length: 0" "ok 200" "h x-req-content-length: 0"
g "$ALL" GET "$U/echo"
hasnt "GET without a body sends no Content-Length" "h x-req-content-length: 0"

# every status is Ok, headers and body always there
for s in 201 204 401 403 404 418 500 503; do
    g "$ALL" GET "$U/status/$s"
    if [ "$s" = 204 ]; then
        has "status $s is Ok" "ok $s" "body-len 0"
    else
        has "status $s is Ok" "ok $s" "body status $s"
    fi
done
hasnt "headers and body are always Some" "missing headers or body"

# bodies
g "$ALL" POST "$U/echo" -z 100000
has "binary request body (NUL, non-UTF-8, 100000 bytes) echoed" "ok 200" "body-len 100000" "echo-same"
g "$ALL" PUT "$U/echo" -z 0
has "empty body" "ok 200" "body-len 0" "h x-req-content-length: 0"
g "$ALL" GET "$U/binary" -x
has "binary response body" "ok 200" "body-len 256" \
    "body $(python3 -c 'print(bytes(range(256)).hex())')"

# headers
g "$ALL" GET "$U/echo" -H "X-Custom:abc def" -H "X-Empty:" -H "accept:text/plain"
has "request headers reach the server" "h x-req-x-custom: abc def" "h x-req-x-empty: " \
    "h x-req-accept: text/plain"
like "response header names lower-case" "h content-length: 0"
g "$ALL" GET "$U/multi"
has "repeated and folded response headers" "h set-cookie: a=1" "h set-cookie: b=2" \
    "h x-folded: one two"
g "$ALL" GET "$U/latin1"
has "a Latin-1 header value becomes UTF-8" "ok 200" "h x-latin: café"
g "$ALL" GET "$U/echo" -H "Bad Name:x"
has "a header name with a space is an error" "rc 0"
like "... unexpected-error naming it" "err unexpected-error http-client: invalid request header name 'Bad Name'"

# params
g "$ALL" GET "$U/echo" -P "q=a b&c" -P "ü=ä/?=#"
has "params appended, percent-encoded" "h x-target: /echo?q=a%20b%26c&%C3%BC=%C3%A4%2F%3F%3D%23"
g "$ALL" GET "$U/echo?x=1#frag" -P "a=b"
has "params after an existing query, before a fragment" "h x-target: /echo?x=1&a=b"
g "$ALL" GET "$U/echo?x=1"
has "no params: the URI as written" "h x-target: /echo?x=1"

# redirects
g "$ALL" POST "$U/redirect?code=302&to=/echo" -b "data"
has "302 after POST: followed as GET without the body" "ok 200" "h x-method: GET" "body-len 0"
g "$ALL" POST "$U/redirect?code=303&to=/echo" -b "data"
has "303: followed as GET" "ok 200" "h x-method: GET"
g "$ALL" GET "$U/redirect?code=301&to=/echo%3Fafter=1"
has "301: followed" "ok 200" "h x-method: GET" "h x-target: /echo?after=1"
g "$ALL" POST "$U/redirect?code=307&to=/echo" -b "kept"
has "307: method and body kept" "ok 200" "h x-method: POST" "body kept"
g "$ALL" PUT "$U/redirect?code=308&to=/echo" -b "kept"
has "308: method and body kept" "ok 200" "h x-method: PUT" "body kept"
g "$ALL" HEAD "$U/redirect?code=302&to=/echo"
has "302 after HEAD stays HEAD" "ok 200" "h x-method: HEAD"
g "$ALL" GET "$U/redirect?code=302&to=http://localhost:$P/echo" -H "Authorization:Bearer x" -H "X-Other:y"
has "cross-origin redirect drops Authorization" "ok 200" "h x-req-x-other: y"
hasnt "... and only sensitive headers" "h x-req-authorization: Bearer x"
g "$ALL" GET "$U/redirect?code=302&to=/echo" -H "Authorization:Bearer x"
has "same-origin redirect keeps Authorization" "h x-req-authorization: Bearer x"
g "$ALL" GET "$U/loop"
like "a redirect loop is a protocol-error" "err protocol-error http-client: too many redirects"
g "$ALL" GET "$U/redirect?code=300&to=/echo"
has "300 is not followed" "ok 300" "body moved"

# connection reuse
g "$ALL" GET "$U/port" -n 3
if [ "$(grep -c '^body ' "$work/out")" = 3 ] && [ "$(grep '^body ' "$work/out" | sort -u | wc -l)" = 1 ]; then
    ok "three requests on one connection"
else
    notok "three requests on one connection"
fi

# errors
g "$ALL" GET "not a url"
like "malformed URL: invalid-url" "err invalid-url http-client: invalid URL 'not a url'"
g "$ALL" GET "ftp://127.0.0.1:$P/x"
like "other scheme: invalid-url" "err invalid-url http-client: invalid URL 'ftp://127.0.0.1:$P/x': scheme 'ftp'"
g "$ALL" GET "http://"
like "no host: invalid-url" "err invalid-url http-client: invalid URL"
g "$ALL" GET "http://127.0.0.1:$CLOSED/"
like "connection refused: unexpected-error" "err unexpected-error http-client: cannot connect to 'http://127.0.0.1:$CLOSED/'"
has "connection refused: the guest goes on" "rc 0"
g "$ALL" GET "$U/hangup"
like "no answer: protocol-error" "err protocol-error http-client:"
g "$ALL" GET "$U/garbage"
like "not HTTP: protocol-error" "err protocol-error http-client:"

# HTTPS to a server whose certificate nobody trusts
if command -v openssl >/dev/null && openssl req -x509 -newkey rsa:2048 -nodes -days 1 \
    -subj /CN=127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1; then
    python3 "$server" 127.0.0.1 "$work/cert.pem" "$work/key.pem" >"$work/tlsport" 2>/dev/null &
    tls=$!
    for _ in $(seq 1 100); do
        [ -s "$work/tlsport" ] && break
        sleep 0.1
    done
    g "$ALL" GET "https://127.0.0.1:$(cat "$work/tlsport")/echo"
    like "an untrusted certificate: protocol-error" "err protocol-error http-client:"
    g "$ALL" GET "http://127.0.0.1:$(cat "$work/tlsport")/echo"
    like "plain HTTP to a TLS port: protocol-error" "err protocol-error http-client:"
else
    n=$((n + 1)); echo "ok $n - HTTPS # SKIP no openssl to make a certificate"
fi

# TIMEOUT
T=$(sf timeout 'TIMEOUT = "500ms"')
g "$T" GET "$U/slow?ms=3000"
like "TIMEOUT passed: timeout-error" "err timeout-error http-client: GET '$U/slow' timed out"
g "$T" GET "$U/slow?ms=10"
has "TIMEOUT not reached" "ok 200" "body slow"
# the instance's deadline ends a request that would wait far longer (a
# request that ignored it would hang this test until meson's timeout)
"$slight" -c "$(sf long 'TIMEOUT = "2h"')" run --timeout 1s "$guest" -- GET "$U/never" \
    >"$work/out" 2>&1
echo "rc $?" >>"$work/out"
sanitized
has "--timeout ends a request in progress: a deadline trap" "rc 134"
like "... named as such" "deadline"
g "$(sf badtimeout 'TIMEOUT = "soon"')" GET "$U/echo"
like "a bad TIMEOUT: a start-up error naming file, line and key" \
    "badtimeout.toml:2: http-client: config TIMEOUT: invalid duration 'soon'"
has "... exit 1" "rc 1"
g "$(sf zerotimeout 'TIMEOUT = "0s"')" GET "$U/echo"
like "TIMEOUT of zero refused at start-up" "http-client: config TIMEOUT must not be zero"
has "... exit 1" "rc 1"

# ALLOWED_HOSTS
g "$(sf only 'ALLOWED_HOSTS = "example.com"')" GET "$U/echo"
like "refused host: invalid-url" "err invalid-url http-client: host '127.0.0.1:$P' not allowed"
g "$(sf wild 'ALLOWED_HOSTS = "example.com, 127.0.0.*"')" GET "$U/echo"
has "wildcard host, any port" "ok 200"
g "$(sf port "ALLOWED_HOSTS = \"127.0.0.1:$P\"")" GET "$U/echo"
has "host and port" "ok 200"
g "$(sf otherport 'ALLOWED_HOSTS = "127.0.0.1:1"')" GET "$U/echo"
like "another port refused" "err invalid-url http-client: host '127.0.0.1:$P' not allowed"
g "$(sf anyhost "ALLOWED_HOSTS = \"*:$P\"")" GET "http://LOCALHOST:$P/echo"
has "'*' host with a port; host case ignored" "ok 200"
g "$(sf redir "ALLOWED_HOSTS = \"127.0.0.1:$P\"")" GET "$U/redirect?code=302&to=http://localhost:$P/echo"
like "a redirect to a refused host: invalid-url" "err invalid-url http-client: host 'localhost:$P' not allowed"
g "$(sf badhosts 'ALLOWED_HOSTS = "a:b:c"')" GET "$U/echo"
like "a bad pattern: a start-up error naming it" \
    "badhosts.toml:2: http-client: config ALLOWED_HOSTS: invalid host pattern 'a:b:c'"
has "... exit 1" "rc 1"

# slightfile forms
printf 'specversion = "0.1"\n[[capability]]\nname = "http-client"\n' >"$work/v01.toml"
g "$work/v01.toml" GET "$U/echo"
has "specversion 0.1 form" "ok 200" "h x-method: GET"
printf 'specversion = "0.2"\n' >"$work/none.toml"
g "$work/none.toml" GET "$U/echo"
like "no http-client capability: refused at start-up" "but the slightfile declares no http-client capability"
has "... exit 1" "rc 1"
printf 'specversion = "0.2"\n[[capability]]\nresource = "http-client"\nname = "c"\n[capability.configs]\nRETRIES = "3"\n' >"$work/unknown.toml"
g "$work/unknown.toml" GET "$U/echo"
like "an unknown key is a warning" "http-client ignores config 'RETRIES'"
has "... and the request is made" "ok 200"

# inside HTTP handlers: worker threads, the request deadline
if [ -z "$proxy" ] || ! command -v curl >/dev/null; then
    n=$((n + 1))
    if [ "${CI:-}" = true ]; then
        failed=1; echo "not ok $n - http-client in HTTP handlers # no HTTP server (h2o) or curl"
    else
        echo "ok $n - http-client in HTTP handlers # SKIP no HTTP server (h2o) or curl"
    fi
else
    PP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    printf '%s\n' 'specversion = "0.2"' '[[capability]]' 'resource = "http"' 'name = "api"' \
        '[[capability]]' 'resource = "http-client"' 'name = "out"' '[limits]' 'timeout = "1s"' \
        >"$work/proxy.toml"
    # what h2o never frees before exit, as in tests/http
    supp="$(cd "$(dirname "$0")/../http" && pwd)/lsan.supp"
    LSAN_OPTIONS="suppressions=$supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}" \
        "$slight" -c "$work/proxy.toml" run "$proxy" --env PORT="$PP" --env UPSTREAM="$U" \
        >"$work/app.out" 2>"$work/app.err" &
    app=$!
    for _ in $(seq 1 600); do
        grep -q "listening on" "$work/app.err" 2>/dev/null && break
        kill -0 "$app" 2>/dev/null || break
        sleep 0.1
    done
    A=http://127.0.0.1:$PP
    fetch() { curl -s --max-time 60 "$@"; }
    code() { curl -s -o /dev/null -w '%{http_code}' --max-time 60 "$@"; }
    fetch "$A/fetch/echo" -o "$work/out"; echo >>"$work/out"
    fetch "$A/fetch/status/404" >>"$work/out"; echo >>"$work/out"
    code "$A/fetch/status/404" >>"$work/out"; echo >>"$work/out"
    fetch "$A/error" >>"$work/out"; echo >>"$work/out"
    has "a handler's request: status and body" "status 404" "404"
    like "a handler's request error" "invalid-url: http-client: invalid URL"
    fetch "$A/fetch/binary" -o "$work/bin"
    if cmp -s "$work/bin" <(python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)))'); then
        ok "a binary body through a handler"
    else
        notok "a binary body through a handler"
    fi
    pids=
    for i in 1 2 3 4 5 6; do
        fetch "$A/fetch/slow?ms=100" >"$work/par$i" &
        pids="$pids $!"
    done
    wait $pids
    cat "$work"/par? >"$work/out"
    if [ "$(cat "$work/out")" = "slowslowslowslowslowslow" ]; then
        ok "six handlers at once"
    else
        notok "six handlers at once"
    fi
    code "$A/fetch/never" >"$work/out"; echo >>"$work/out"
    has "a handler waiting on a request past the deadline: 504" "504"
    fetch "$A/fetch/status/201" >"$work/out"; echo >>"$work/out"
    has "the server goes on" "status 201"
    # the command guest's http-client against our own HTTP server
    g "$ALL" GET "$A/fetch/status/202"
    has "http-client against slight's own http-server (CORS headers included)" "ok 202" \
        "h access-control-allow-origin: *" "body status 202" "rc 0"
    g "$ALL" POST "$A/fetch/echo"
    has "http-client to slight's http-server: a method with no route is 405, Ok" "ok 405" "rc 0"
    kill -TERM "$app"; wait "$app"; rc=$?; app=
    if [ $rc = 0 ]; then ok "SIGTERM: exit 0"; else notok "SIGTERM: exit $rc"; fi
    if grep -q "ERROR: \(AddressSanitizer\|LeakSanitizer\)\|runtime error" "$work/app.err"; then
        cp "$work/app.err" "$work/out"; notok "no sanitizer report"
    else
        ok "no sanitizer report"
    fi
fi

if [ -s "$work/sanitizer" ]; then
    cp "$work/sanitizer" "$work/out"; notok "no sanitizer report in any guest run"
else
    ok "no sanitizer report in any guest run"
fi

echo "1..$n"
exit $failed
