#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run_node_diff.sh GUEST_DIR SRC_DIR -- differential test: runs the deterministic WASI
# guests under $SLIGHT_BIN and under Node.js's WASI (node_wasi.mjs) in identical scratch
# directories and compares stdout and exit status (TAP). Where Node departs from the WASI
# spec, or the spec leaves a choice, ALLOW and ALLOW_LINES below list what may differ, each
# with its reason; slight's side is pinned. Skips (not fails) without slight or node.
set -u
guests=$1
src=$2
slight=${SLIGHT_BIN:-}
tier=${SLIGHT_WASI_TIER:-optimized}
node=${NODE:-node}

# Checks Node may fail: a line "guest|text of the CHECK", then the reason, indented. An entry
# only ever lets a Node "FAIL" line stand against a slight "ok" line of the same check: a
# slight failure is never hidden (run_guests.sh also requires every slight check to pass).
ALLOW='files|st.st_mtim.tv_nsec == 5
    Node sets times with libuv uv_fs_utime, which takes seconds as a double: the
    sub-microsecond part of path_filestat_set_times is lost (WASI passes u64 ns)
sandbox|symlink("../secret.txt", "made_out")
    Node refuses to create a symlink whose relative target climbs out of the preopen
    (ENOTCAPABLE); slight stores it (it is only text) and never follows it out; both keep
    the sandbox
sandbox|open("made_out"
    follows from the refused symlink: made_out does not exist (ENOENT), then O_CREAT makes
    a plain file
sandbox|symlink("../created_outside", "dangling")
    Node refuses the climbing symlink target, as above
sandbox|open("dangling"
    follows from the refused symlink: O_CREAT makes a plain file inside
sandbox|open("hard"
    follows from the refused symlink: hard is a hard link to the plain file made_out
preview0|fd_seek whence
    the wasi_unstable of Node is preview 1 underneath: it reads fd_seek whence in preview 1
    numbering (SET=0, CUR=1, END=2); preview 0 has CUR=0, END=1, SET=2
preview0|56-byte filestat
    the wasi_unstable of Node writes the preview 1 filestat (64-bit nlink at 24, size at 32);
    preview 0 has a 32-bit nlink at 20 and the size at 24
clock_poll|ns(CLOCK_MONOTONIC) - t0 >= 30000000
    Node (uvwasi) truncates a clock timeout to whole milliseconds for a libuv timer that
    runs on a cached millisecond clock, so a 30 ms sleep can end early (now and then); the
    WASI timeout is a minimum'

# Lines of the report guest where Node prints something else: "guest|slight's exact line",
# then the reason, indented. slight must print exactly that line; the lines with the same
# label (the text before ": ") are left out of the comparison on both sides.
ALLOW_LINES='report|readlink short: 2 errno=0
    path_readlink into a buffer shorter than the link: slight truncates as POSIX readlink
    does (and as the wasmtime test suite expects); Node fails with ENOBUFS
report|readlink short text: d/
    the truncated text, as above (Node writes nothing)
report|list . dots: 2
    fd_readdir: slight lists . and .. (as wasmtime does; the spec leaves it open); Node
    leaves them out (libuv scandir)
report|list d dots: 2
    as above
report|list . at the end dots: 2
    as above
report|list . after raw calls dots: 2
    as above
report|fdstat file flags: 0
    fd_fdstat_get: Node reports the host open(2) flags (O_RDWR | O_LARGEFILE) as fs_flags
    instead of WASI fdflags
report|fdstat flags after append: 1
    as above (slight: APPEND)
report|set_flags sync: 58
    changing SYNC on an open file: slight says ENOTSUP (Linux cannot; docs/WASI.md); Node
    reports success without doing it
report|set_flags unknown bit: 28
    Node ignores unknown fdflags bits; slight says EINVAL
report|sock_recv on a file: 57
    the file holds FD_READ, so slight asks the host, which says ENOTSOCK; Node says
    ENOTCAPABLE
report|poll file and bad fd: 0
    Node cannot poll a regular file (libuv uv_poll: EPERM for the whole call); slight
    reports files ready, as poll(2) does, and a bad fd as an EBADF event (docs/WASI.md)
report|poll event 0: userdata=1 error=0 type=1 nbytes=7
    as above: 7 bytes left to read
report|poll event 1: userdata=2 error=8 type=2 nbytes=0
    as above: the EBADF event
report|prestat_dir_name into 0 bytes: 37
    short buffer: slight says ENAMETOOLONG (docs/WASI.md); Node ENOBUFS
report|open empty path: 44
    empty path: ENOENT as open(2) (docs/WASI.md); Node EINVAL
report|open unknown oflag: 28
    Node ignores unknown oflags bits (and opens the file); slight says EINVAL
report|symlink with an empty target: 44
    empty target: ENOENT as symlink(2) on Linux; Node EINVAL'

if [ -z "$slight" ] || [ ! -x "$slight" ]; then
    echo "1..0 # SKIP slight binary not built (SLIGHT_BIN=$slight)"
    exit 0
fi
if ! command -v "$node" >/dev/null 2>&1; then
    echo "1..0 # SKIP node not found"
    exit 0
fi
if ! "$node" --no-warnings -e "import('node:wasi').then(m => process.exit(m.WASI ? 0 : 1))" \
    >/dev/null 2>&1; then
    echo "1..0 # SKIP this node has no WASI module"
    exit 0
fi

n=0
failed=0
work=$(mktemp -d "${TMPDIR:-/tmp}/slwasi-nodediff.XXXXXX")
trap 'rm -rf "$work"' EXIT
tmo=
if command -v timeout >/dev/null 2>&1; then tmo="timeout 120"; fi

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
    shift
    for line in "$@"; do echo "# $line"; done
}

# entries LIST GUEST -- the texts of GUEST's entries in an allow-list (reasons left out).
entries() {
    printf '%s\n' "$1" | awk -F'|' -v g="$2" '/^[^ ]/ && $1 == g { print $2 }'
}

# allowed GUEST FILE -- FILE without the lines of allow-listed checks, the lines labelled as
# an ALLOW_LINES entry, and the failures= line.
allowed() {
    entries "$ALLOW" "$1" >"$work/pats"
    entries "$ALLOW_LINES" "$1" >"$work/lines"
    awk -v pf="$work/pats" -v lf="$work/lines" '
         FILENAME == pf { if ($0 != "") pats[++np] = $0; next }
         FILENAME == lf { i = index($0, ": "); if (i) labels[++nl] = substr($0, 1, i + 1); next }
         /^failures=/ { next }
         /^(ok|FAIL) / { for (i = 1; i <= np; i++) if (index($0, pats[i])) next }
         { for (i = 1; i <= nl; i++) if (index($0, labels[i]) == 1) next; print }
    ' "$work/pats" "$work/lines" "$2"
}

# pinned GUEST FILE -- prints the ALLOW_LINES entries of GUEST missing from FILE.
pinned() {
    entries "$ALLOW_LINES" "$1" |
        while IFS= read -r line; do
            grep -qxF "$line" "$2" || printf '%s\n' "$line"
        done
}

# Number of allow-listed FAIL lines in FILE.
allowed_fails() {
    entries "$ALLOW" "$1" >"$work/pats"
    awk -v pf="$work/pats" 'FILENAME == pf { if ($0 != "") pats[++np] = $0; next }
         /^FAIL / { for (i = 1; i <= np; i++) if (index($0, pats[i])) { c++; next } }
         END { print c + 0 }' "$work/pats" "$2"
}

# compare CASE GUEST WANT_RC SETUP [guest args...] -- SETUP is a function called with a
# fresh scratch directory (once for each runtime); the guest runs in its "run" subdirectory.
compare() {
    case_name=$1; guest=$2; want=$3; setup=$4; shift 4
    for rt in slight node; do
        d="$work/$rt/$case_name"
        mkdir -p "$d/run"
        "$setup" "$d"
        if [ "$rt" = slight ]; then
            (cd "$d/run" && $tmo "$slight" run --tier="$tier" "$guests/$guest.wasm" "$@") \
                >"$work/$rt.out" 2>"$work/$rt.err" <"${STDIN:-/dev/null}"
        else
            (cd "$d/run" && $tmo "$node" --no-warnings "$src/node_wasi.mjs" \
                "$guests/$guest.wasm" "$@") \
                >"$work/$rt.out" 2>"$work/$rt.err" <"${STDIN:-/dev/null}"
        fi
        echo $? >"$work/$rt.rc"
    done
    sl_rc=$(cat "$work/slight.rc")
    node_rc=$(cat "$work/node.rc")
    extra=$(allowed_fails "$guest" "$work/node.out")
    if [ "$sl_rc" != "$want" ]; then
        not_ok "$case_name: slight exit status $sl_rc, expected $want"
        sed 's/^/#   /' "$work/slight.out" "$work/slight.err" | head -20
        return 1
    fi
    if grep -q '^FAIL' "$work/slight.out"; then
        not_ok "$case_name: a slight check failed"
        grep '^FAIL' "$work/slight.out" | sed 's/^/#   /'
        return 1
    fi
    missing=$(pinned "$guest" "$work/slight.out")
    if [ -n "$missing" ]; then
        not_ok "$case_name: slight no longer prints an allow-listed line"
        printf '%s\n' "$missing" | sed 's/^/#   expected: /'
        return 1
    fi
    allowed "$guest" "$work/slight.out" >"$work/slight.norm"
    allowed "$guest" "$work/node.out" >"$work/node.norm"
    if ! cmp -s "$work/slight.norm" "$work/node.norm"; then
        not_ok "$case_name: stdout differs (- slight, + node)"
        diff "$work/slight.norm" "$work/node.norm" | sed 's/^/#   /' | head -40
        return 1
    fi
    if [ "$node_rc" != $((want + extra)) ]; then
        not_ok "$case_name: node exit status $node_rc, expected $((want + extra))"
        grep -h '^FAIL' "$work/node.out" "$work/node.err" | sed 's/^/#   /' | head -20
        return 1
    fi
    note=
    if [ "$extra" != 0 ]; then note=" ($extra allow-listed Node failures)"; fi
    ok "$case_name: same stdout and exit status$note"
    grep '^FAIL' "$work/node.out" | sed 's/^/#   node: /'
    return 0
}

nothing() { :; }
data_dir() { mkdir -p "$1/data"; }
sandbox_tree() {
    mkdir -p "$1/run/sub"
    printf SECRET >"$1/secret.txt"
    ln -s ../secret.txt "$1/run/link_out"
    ln -s loop "$1/run/loop"
}

if compare hello hello 0 nothing --env GREETING="hi there" -- one "two words"; then
    if cmp -s "$work/slight.err" "$work/node.err"; then ok "hello: same stderr"; else
        not_ok "hello: stderr differs"; fi
fi
for code in 0 1 42 255; do
    compare "exit_code_$code" exit_code "$code" nothing -- "$code"
done
compare files files 0 nothing
compare files_dir files 0 data_dir --dir ../data:.
compare sandbox sandbox 0 sandbox_tree
for rt in slight node; do
    s="$work/$rt/sandbox"
    if [ "$(cat "$s/secret.txt")" = SECRET ] && [ ! -e "$s/created_outside" ] \
        && [ "$(stat -c %h "$s/secret.txt")" = 1 ] \
        && [ "$(ls "$s")" = "$(printf 'run\nsecret.txt')" ]; then
        ok "sandbox ($rt): nothing outside the preopen changed"
    else
        not_ok "sandbox ($rt): the file system outside the preopen changed"
    fi
done
compare clock_poll clock_poll 0 nothing
compare report report 0 nothing
if [ -f "$guests/preview0.wasm" ]; then
    compare preview0 preview0 0 nothing
else
    n=$((n + 1)); echo "ok $n - preview0 # SKIP wat2wasm not found"
fi
printf 'abc\ndef\n' >"$work/stdin"
STDIN="$work/stdin" compare stdin_echo stdin_echo 0 nothing

echo "# allow-list (checks Node may fail; slight must pass them):"
printf '%s\n' "$ALLOW" | sed 's/^/#   /'
echo "# allow-listed lines (slight prints exactly these; Node may differ):"
printf '%s\n' "$ALLOW_LINES" | sed 's/^/#   /'
echo "1..$n"
[ "$failed" = 0 ]
