# SPDX-License-Identifier: Apache-2.0
# serve.sh -- sourced by bench/http/run.sh and soak.sh: checks the tools and
# the build, makes $TMP with a slightfile for the HTTP test guest
# (tests/http/guest.c: http, keyvalue.memory, messaging.memory, plus the
# [limits] lines in $LIMITS), picks $PORT, and defines
#   serve [ENV=VALUE...]   starts `slight run` (optimized tier) with those
#                          variables, sets $pid, waits until /hello answers
#   unserve                SIGTERM and wait; prints nothing, returns its status
# Needs B (the build directory) set by the caller.
SLIGHT=$B/slight
WASM=$B/tests/http/http_guest.wasm
command -v wrk >/dev/null || { echo "bench/http: needs wrk (apt-get install wrk)" >&2; exit 1; }
[ -x "$SLIGHT" ] && [ -f "$WASM" ] || { echo "bench/http: build $B first (ninja -C $B)" >&2; exit 1; }
TMP=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$TMP/slightfile.toml" <<TOML
specversion = "0.2"
[[capability]]
resource = "http"
name = "bench"
[[capability]]
resource = "keyvalue.memory"
name = "store"
[[capability]]
resource = "messaging.memory"
name = "bus"
${LIMITS:+[limits]
$LIMITS}
TOML

serve() {
    env "$@" "$SLIGHT" -c "$TMP/slightfile.toml" run "$WASM" --tier=optimized --env PORT="$PORT" \
        >/dev/null 2>"$TMP/err" &
    pid=$!
    for _ in $(seq 1 600); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/hello" && return 0
        kill -0 $pid 2>/dev/null || break
        sleep 0.2
    done
    echo "bench/http: slight did not start serving: $(tail -n 3 "$TMP/err")" >&2
    exit 1
}

unserve() {
    kill -TERM $pid
    wait $pid
    local rc=$?
    pid=
    return $rc
}
