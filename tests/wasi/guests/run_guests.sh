#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run_guests.sh GUEST_DIR SRC_DIR -- runs the WASI guest programs under
# $SLIGHT_BIN and prints TAP. Each case checks the exit status and stdout;
# the sandbox case also checks that the file outside the preopen is intact,
# the tcplisten case talks to the guest over 127.0.0.1 (tcplisten_client.py).
# Skips everything (not fails) when $SLIGHT_BIN does not exist.
set -u
guests=$1
src=$2
slight=${SLIGHT_BIN:-}
tier=${SLIGHT_WASI_TIER:-optimized}

if [ -z "$slight" ] || [ ! -x "$slight" ]; then
    echo "1..0 # SKIP slight binary not built (SLIGHT_BIN=$slight)"
    exit 0
fi

n=0
failed=0
work=$(mktemp -d "${TMPDIR:-/tmp}/slwasi-guests.XXXXXX")
trap 'rm -rf "$work"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
    shift
    for line in "$@"; do echo "# $line"; done
    sed 's/^/#   /' "$work/out" "$work/err" 2>/dev/null | head -40
}

# run NAME EXPECTED_RC DIR [slight args...] -- runs guest NAME in DIR.
run() {
    name=$1; want=$2; dir=$3; shift 3
    (cd "$dir" && "$slight" run --tier="$tier" "$guests/$name.wasm" "$@") \
        >"$work/out" 2>"$work/err" <"${STDIN:-/dev/null}"
    rc=$?
    if [ "$rc" != "$want" ]; then
        not_ok "$name: exit status" "expected $want, got $rc"
        return 1
    fi
    return 0
}

# self-checking guests: exit 0, no FAIL line, last line failures=0
selfcheck() {
    name=$1; dir=$2; shift 2
    run "$name" 0 "$dir" "$@" || return
    if grep -q '^FAIL' "$work/out" || [ "$(tail -n 1 "$work/out")" != "failures=0" ]; then
        not_ok "$name: checks" "a check failed"
    else
        ok "$name ($(grep -c '^ok' "$work/out") checks)"
    fi
}

mkdir -p "$work/empty"

# hello: args, environment (only what --env passes), stdout/stderr
if run hello 0 "$work/empty" --env GREETING="hi there" -- one "two words"; then
    if cmp -s "$work/out" "$src/hello.expected" && grep -q '^to stderr$' "$work/err"; then
        ok "hello: args, environ, stdout, stderr"
    else
        not_ok "hello: output" "stdout differs from hello.expected"
    fi
fi

# exit codes through proc_exit
for code in 0 1 42 255; do
    if run exit_code "$code" "$work/empty" -- "$code"; then
        if [ "$(cat "$work/out")" = "exiting" ]; then ok "exit_code $code"; else not_ok "exit_code $code: output"; fi
    fi
done

# files: the default preopen is the working directory, exposed as "."
mkdir -p "$work/files"
selfcheck files "$work/files"

# the same through --dir HOST:GUEST
mkdir -p "$work/files2"
selfcheck files "$work/empty" --dir "$work/files2:."

# sandbox: secret.txt next to the preopen must stay unread and unchanged
mkdir -p "$work/sb/root/sub"
printf SECRET >"$work/sb/secret.txt"
ln -s ../secret.txt "$work/sb/root/link_out"
ln -s loop "$work/sb/root/loop"
selfcheck sandbox "$work/sb/root"
if [ "$(cat "$work/sb/secret.txt")" = SECRET ] && [ ! -e "$work/sb/created_outside" ] \
    && [ ! -e "$work/sb/newdir" ] && [ "$(stat -c %h "$work/sb/secret.txt")" = 1 ]; then
    ok "sandbox: nothing outside the preopen changed"
else
    not_ok "sandbox: the host file system outside the preopen changed"
fi

# clocks, poll_oneoff, random, sched_yield
selfcheck clock_poll "$work/empty"

# descriptor control (set_flags, set_rights, set_times, renumber) and proc_raise
mkdir -p "$work/fdctl"
selfcheck fdctl "$work/fdctl"

# a preview 0 (wasi_unstable) binary: seek whence numbering, 56-byte filestat and subscriptions
if [ -f "$guests/preview0.wasm" ]; then
    selfcheck preview0 "$work/empty"
else
    n=$((n + 1)); echo "ok $n - preview0 # SKIP wat2wasm not found"
fi

# stdin is inherited
printf 'abc\ndef\n' >"$work/stdin"
if STDIN="$work/stdin" run stdin_echo 0 "$work/empty"; then
    if [ "$(cat "$work/out")" = "$(printf 'ABC\nDEF')" ]; then ok "stdin_echo"; else not_ok "stdin_echo: output"; fi
fi

# --tcplisten: the guest accepts one connection from tcplisten_client.py (127.0.0.1 only),
# which checks the reply and slight's exit status, with a timeout on every step
if command -v python3 >/dev/null 2>&1; then
    mkdir -p "$work/tcp"
    if python3 "$src/tcplisten_client.py" "$slight" "$tier" "$guests/tcplisten.wasm" "$work/tcp" \
        "$work/out" "$work/err" >"$work/client" 2>&1; then
        if grep -q '^FAIL' "$work/out" || [ "$(tail -n 1 "$work/out")" != "failures=0" ]; then
            not_ok "tcplisten: checks" "a check failed"
        elif ! grep -q '^received=hello from the runner$' "$work/out"; then
            not_ok "tcplisten: the guest did not receive the line"
        else
            ok "tcplisten: accept, recv, send, shutdown ($(grep -c '^ok' "$work/out") checks)"
        fi
    else
        not_ok "tcplisten: $(cat "$work/client")"
    fi
    if python3 "$src/tcplisten_client.py" --busy "$slight" "$tier" "$guests/tcplisten.wasm" \
        "$work/tcp" "$work/out" "$work/err" >"$work/client" 2>&1; then
        ok "tcplisten: a port in use is an error"
    else
        not_ok "tcplisten: port in use: $(cat "$work/client")"
    fi
else
    n=$((n + 1)); echo "ok $n - tcplisten # SKIP python3 not found"
fi
if run tcplisten 2 "$work/empty" --tcplisten 127.0.0.1; then
    if [ ! -s "$work/out" ] && grep -q 'invalid --tcplisten' "$work/err"; then
        ok "tcplisten: an address without a port is a usage error"
    else
        not_ok "tcplisten: usage error message"
    fi
fi

echo "1..$n"
[ "$failed" = 0 ]
