#!/usr/bin/env bash
# Instance benchmark: start-up and footprint figures of the slight binary.
#   (a) whole-process `slight run hello.wasm` with a warm cache vs /bin/true
#   (b) first run of a ~1.3 MB module, baseline tier, empty cache: time to
#       _start and total
#   (c) binary size and idle RSS of `slight run` while the guest sleeps
#   (d) system calls of a cached `slight run hello.wasm` (strace -c -f)
#   (e) per-instance pool figures from build/bench/pool/bench_pool
#
# Environment:
#   SLIGHT         slight binary (default: build/slight in the repository)
#   OUT            build/output directory (default: bench/instance/out)
#   WASM_CC        wasm compiler (default: clang)
#   STARTUP_RUNS   runs of (a) per command (default 200)
#   LARGE_FUNCS    functions in the generated large module (default 2700,
#                  about 1.3 MB of wasm)
#   LARGE_RUNS     cold first runs of (b), best kept (default 3)
#   LARGE_OPT      1: also time `slight compile` (optimized tier) of the
#                  large module in an empty cache (slow: tens of seconds)
#
# Benchmarks are not tests: figures and ratios are printed, never asserted;
# anything that cannot be measured is shown as "n/a" and the script goes on.
set -u
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SLIGHT=${SLIGHT:-$ROOT/build/slight}
case "$SLIGHT" in /*) ;; *) SLIGHT="$ROOT/$SLIGHT" ;; esac
OUT=${OUT:-$HERE/out}
WASM_CC=${WASM_CC:-clang}
STARTUP_RUNS=${STARTUP_RUNS:-200}
LARGE_FUNCS=${LARGE_FUNCS:-2700}
LARGE_RUNS=${LARGE_RUNS:-3}
HOST_CC=${CC:-gcc}

have() { command -v "$1" >/dev/null 2>&1; }
ms() { awk -v s="$1" 'BEGIN { printf "%.2f ms", s * 1000 }'; }
secs() { awk -v s="$1" 'BEGIN { printf "%.3f s", s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
verdict() { # value target -> "meets" / "does not meet"
    awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "meets" : "does not meet" }'
}
oneline() { head -c "${2:-300}" "$1" 2>/dev/null | tr '\n' ' '; }

for v in STARTUP_RUNS LARGE_FUNCS LARGE_RUNS; do
    case "${!v}" in '' | *[!0-9]* | 0) echo "$v must be a positive integer" >&2; exit 2 ;; esac
done

mkdir -p "$OUT" || { echo "cannot create $OUT" >&2; exit 1; }
OUT=$(cd "$OUT" && pwd)
rm -rf "$OUT/cache" "$OUT/log"
mkdir -p "$OUT/cache" "$OUT/log"
chmod 700 "$OUT/cache"
export XDG_CACHE_HOME="$OUT/cache"
cd "$OUT" || exit 1 # no ./slightfile.toml here

TMPDIRS=()
cleanup() { for d in "${TMPDIRS[@]}"; do rm -rf "$d"; done; }
trap cleanup EXIT

echo "== slight instance benchmark"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //'), $(nproc 2>/dev/null || echo '?') cores, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"

SLIGHT_OK=1
if [ -x "$SLIGHT" ]; then
    echo "slight: $SLIGHT ($("$SLIGHT" --version 2>/dev/null | head -1 || true))"
else
    SLIGHT_OK=0
    echo "slight: $SLIGHT not found or not executable (set SLIGHT=...): slight figures are n/a"
fi

WASM_OK=1
if ! have "$WASM_CC"; then
    WASM_OK=0
    echo "$WASM_CC not found: guests cannot be built, slight figures are n/a"
fi

# ---------------------------------------------------------------- build
# shellcheck disable=SC2054 # -Wl,--strip-debug is one argument
WASM_FLAGS=(--target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -Wl,--strip-debug)
build_wasm() { # out.wasm src.c [flags...]
    local out=$1 src=$2
    shift 2
    ((WASM_OK)) || return 1
    "$WASM_CC" "${WASM_FLAGS[@]}" "$@" -o "$out" "$src" 2>"log/$(basename "$out").build" || {
        echo "  build of $out failed: $(oneline "log/$(basename "$out").build")"
        rm -f "$out"
        return 1
    }
}
build_wasm hello.wasm "$HERE/hello.c"
build_wasm sleep.wasm "$HERE/sleep.c"
build_wasm sleep_busy.wasm "$HERE/sleep.c" -DBUSY_WAIT
build_wasm pool_guest.wasm "$HERE/pool_guest.c" -mexec-model=reactor

# The large module is generated C (SQLite's amalgamation is not available
# offline); rebuilt only when the generator or the function count changed.
LARGE_STAMP="gen=$(cksum <"$HERE/gen_large.c" | cut -d' ' -f1) funcs=$LARGE_FUNCS cc=$("$WASM_CC" --version 2>/dev/null | head -1)"
if ((WASM_OK)) && have "$HOST_CC"; then
    if [ ! -f large.wasm ] || [ ! -f large.native ] || [ "$(cat large.stamp 2>/dev/null)" != "$LARGE_STAMP" ]; then
        echo "building the large module ($LARGE_FUNCS generated functions; takes ~20 s once)..."
        rm -f large.wasm large.native large.stamp
        if "$HOST_CC" -O2 -o gen_large "$HERE/gen_large.c" 2>log/gen_large.build &&
            ./gen_large "$LARGE_FUNCS" >large.c &&
            build_wasm large.wasm large.c &&
            "$HOST_CC" -O0 -w -o large.native large.c 2>log/large.native.build; then
            printf '%s' "$LARGE_STAMP" >large.stamp
        else
            echo "  large module build failed"
            rm -f large.wasm large.native
        fi
    fi
fi

# Check that a wasm file exists and slight is there.
can_run() { ((SLIGHT_OK)) && [ -f "$1" ]; }

# ---------------------------------------------------------------- (a)
echo
echo "(a) start-up: whole-process 'slight run hello.wasm', warm cache, vs /bin/true"
A_RATIO=""
if can_run hello.wasm; then
    timeout 600 "$SLIGHT" compile hello.wasm >log/hello.compile 2>&1 ||
        echo "  slight compile hello.wasm failed: $(oneline log/hello.compile)"
    timeout 60 "$SLIGHT" run hello.wasm >log/hello.out 2>log/hello.err </dev/null
    rc=$?
    if ((rc != 0)) || [ "$(cat log/hello.out)" != "hello" ]; then
        echo "  slight run hello.wasm: exit $rc, printed '$(oneline log/hello.out)' $(oneline log/hello.err)"
        echo "  n/a"
    else
        s_mean="" t_mean="" s_min="" t_min="" v_mean="" v_min=""
        if have hyperfine; then
            cmd=$(printf '%q run %q' "$SLIGHT" "$OUT/hello.wasm")
            ver=$(printf '%q --version' "$SLIGHT")
            if hyperfine -N --warmup 10 --runs "$STARTUP_RUNS" --export-csv log/startup.csv \
                "$cmd" /bin/true "$ver" >log/startup.hyperfine 2>&1; then
                # command,mean,stddev,median,user,system,min,max
                s_mean=$(awk -F, 'NR == 2 { print $2 }' log/startup.csv)
                s_min=$(awk -F, 'NR == 2 { print $7 }' log/startup.csv)
                t_mean=$(awk -F, 'NR == 3 { print $2 }' log/startup.csv)
                t_min=$(awk -F, 'NR == 3 { print $7 }' log/startup.csv)
                v_mean=$(awk -F, 'NR == 4 { print $2 }' log/startup.csv)
                v_min=$(awk -F, 'NR == 4 { print $7 }' log/startup.csv)
                echo "  measured with hyperfine -N, $STARTUP_RUNS runs each after 10 warm-up runs"
            else
                echo "  hyperfine failed: $(oneline log/startup.hyperfine)"
            fi
        fi
        if [ -z "$s_mean" ]; then
            # Fallback: a timed loop; mean and minimum of single runs.
            loop_time() { # cmd... -> "mean min"
                local i t0 t1 tot=0 min=""
                for ((i = 0; i < STARTUP_RUNS; i++)); do
                    t0=$(date +%s%N)
                    "$@" >/dev/null 2>&1 </dev/null
                    t1=$(date +%s%N)
                    tot=$((tot + t1 - t0))
                    if [ -z "$min" ] || ((t1 - t0 < min)); then min=$((t1 - t0)); fi
                done
                awk -v t="$tot" -v n="$STARTUP_RUNS" -v m="$min" 'BEGIN { printf "%.9f %.9f", t / n / 1e9, m / 1e9 }'
            }
            read -r s_mean s_min <<<"$(loop_time "$SLIGHT" run hello.wasm)"
            read -r t_mean t_min <<<"$(loop_time /bin/true)"
            echo "  measured with a date +%s%N loop (hyperfine not installed), $STARTUP_RUNS runs each"
        fi
        A_RATIO=$(ratio "$s_mean" "$t_mean")
        printf '  slight run hello.wasm  mean %s  min %s\n' "$(ms "$s_mean")" "$(ms "$s_min")"
        printf '  /bin/true              mean %s  min %s\n' "$(ms "$t_mean")" "$(ms "$t_min")"
        if [ -n "$v_mean" ]; then
            printf '  slight --version       mean %s  min %s  (the binary alone: loader, libraries)\n' \
                "$(ms "$v_mean")" "$(ms "$v_min")"
        fi
        echo "  ratio (mean): $A_RATIO, (min): $(ratio "$s_min" "$t_min") -- target <= 2x: $(verdict "${A_RATIO%x}" 2) (by mean)"
    fi
else
    echo "  n/a"
fi

# ---------------------------------------------------------------- (b)
echo
echo "(b) first run of a large module: baseline tier, empty cache, time to _start"
B_START="" C_SIZE="" C_RSS="" D_CALLS=""
if [ -f large.wasm ]; then
    echo "  module: large.wasm, $(stat -c %s large.wasm) bytes ($LARGE_FUNCS generated functions)"
    if have wasm2c; then
        w2c_dir=$(mktemp -d) && TMPDIRS+=("$w2c_dir")
        t0=$EPOCHREALTIME
        if wasm2c large.wasm -o "$w2c_dir/large.c" 2>log/large.wasm2c; then
            t1=$EPOCHREALTIME
            echo "  for reference: wasm2c alone $(secs "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"), $(stat -c %s "$w2c_dir/large.c") bytes of C"
        fi
        rm -rf "$w2c_dir"
    fi
fi
if can_run large.wasm; then
    ./large.native >log/large.native.out 2>&1
    expect=$(grep '^functions=' log/large.native.out)
    best_start="" best_total=""
    for ((i = 1; i <= LARGE_RUNS; i++)); do
        cache=$(mktemp -d) && TMPDIRS+=("$cache")
        t0=$EPOCHREALTIME
        XDG_CACHE_HOME="$cache" timeout 300 "$SLIGHT" run --tier=baseline large.wasm \
            >log/large.out 2>log/large.err </dev/null
        rc=$?
        t1=$EPOCHREALTIME
        rm -rf "$cache"
        if ((rc != 0)); then
            echo "  run $i: exit status $rc: $(oneline log/large.err)"
            break
        fi
        got=$(grep '^functions=' log/large.out)
        if [ "$got" != "$expect" ]; then
            echo "  run $i: WRONG CHECKSUM: '$got', native printed '$expect'"
            break
        fi
        start_ns=$(sed -n 's/^start_ns=//p' log/large.out)
        to_start=$(awk -v t0="$t0" -v s="$start_ns" 'BEGIN { if (s == "") print ""; else printf "%.6f", s / 1e9 - t0 }')
        total=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
        echo "  run $i: to _start $(secs "${to_start:-0}"), whole process $(secs "$total")"
        if [ -n "$to_start" ] && { [ -z "$best_start" ] || awk -v a="$to_start" -v b="$best_start" 'BEGIN { exit !(a < b) }'; }; then
            best_start=$to_start
        fi
        if [ -z "$best_total" ] || awk -v a="$total" -v b="$best_total" 'BEGIN { exit !(a < b) }'; then
            best_total=$total
        fi
    done
    if [ -n "$best_start" ]; then
        B_START=$best_start
        echo "  best of $LARGE_RUNS: to _start $(secs "$best_start") (whole process $(secs "$best_total")) -- target <= 1.0 s: $(verdict "$best_start" 1.0)"
        echo "  (time to _start = the guest's CLOCK_REALTIME at main entry minus the launch time; checksum matches native)"
    else
        echo "  n/a"
    fi
else
    echo "  n/a"
fi

if [ "${LARGE_OPT:-0}" = 1 ] && can_run large.wasm; then
    cache=$(mktemp -d) && TMPDIRS+=("$cache")
    t0=$EPOCHREALTIME
    if XDG_CACHE_HOME="$cache" timeout 900 "$SLIGHT" compile large.wasm >log/large.compile 2>&1; then
        t1=$EPOCHREALTIME
        echo "  optimized tier: slight compile large.wasm (empty cache) $(secs "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")"
    else
        echo "  optimized tier: slight compile large.wasm failed: $(oneline log/large.compile)"
    fi
    rm -rf "$cache"
fi

# ---------------------------------------------------------------- (c)
echo
echo "(c) footprint"
if ((SLIGHT_OK)); then
    size=$(stat -L -c %s "$SLIGHT")
    C_SIZE=$size
    echo "  binary size: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f MiB", s / 1048576 }'))$(file -L "$SLIGHT" 2>/dev/null | grep -q 'not stripped' && echo ', not stripped')"
    if have readelf; then
        needed=$(readelf -d "$SLIGHT" 2>/dev/null | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ')
        echo "  shared libraries linked at start-up (DT_NEEDED): ${needed:-none}"
    fi
else
    echo "  binary size: n/a"
fi

idle_rss() { # label cmd... : starts cmd (not through a wrapper, so that $!
    # is its PID), waits until the guest printed "sleeping", samples /proc.
    local label=$1
    shift
    "$@" >log/sleep.out 2>log/sleep.err </dev/null &
    local pid=$! i rss="" hwm="" thr=""
    # Watchdog: ends that one process if it hangs.
    (sleep 30 && kill "$pid" 2>/dev/null) &
    local dog=$!
    for ((i = 0; i < 200; i++)); do
        grep -q sleeping log/sleep.out 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if grep -q sleeping log/sleep.out 2>/dev/null; then
        sleep 0.3
        if [ -r "/proc/$pid/status" ]; then
            rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
            hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
            thr=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")
        fi
    fi
    wait "$pid"
    local rc=$?
    kill "$dog" 2>/dev/null
    wait "$dog" 2>/dev/null
    if [ -n "$rss" ]; then
        case "$label" in slight*) C_RSS="$rss KiB ($label)" ;; esac
        printf '  idle RSS %-31s %6s KiB (peak %s KiB, %s threads)%s\n' "$label:" "$rss" "$hwm" "$thr" \
            "$(grep -q busy-waiting log/sleep.err && echo ' [sleep unsupported: guest busy-waited]')"
    else
        echo "  idle RSS $label: n/a (exit $rc: $(oneline log/sleep.err 200))"
    fi
}
if can_run sleep.wasm; then
    # sleep.wasm imports poll_oneoff (nanosleep); when slight cannot run it,
    # sleep_busy.wasm busy-waits on clock_gettime instead.
    guest=sleep.wasm
    if ! timeout 60 "$SLIGHT" compile sleep.wasm >log/sleep.compile 2>&1 ||
        ! timeout 60 "$SLIGHT" run sleep.wasm -- 0 >/dev/null 2>>log/sleep.compile </dev/null; then
        echo "  slight cannot run sleep.wasm ($(oneline log/sleep.compile 160)); using sleep_busy.wasm"
        guest=sleep_busy.wasm
        timeout 60 "$SLIGHT" compile "$guest" >log/sleep.compile 2>&1
    fi
    idle_rss "slight run $guest" "$SLIGHT" run "$guest" -- 2
else
    echo "  idle RSS slight: n/a"
fi
# References for scale.
if have node && [ -f sleep.wasm ] && [ -f "$HERE/../compute/node_wasi.mjs" ]; then
    idle_rss "(node, same guest)" node --no-warnings "$HERE/../compute/node_wasi.mjs" sleep.wasm 2
fi

# ---------------------------------------------------------------- (d)
echo
echo "(d) system calls of a cached 'slight run hello.wasm' (strace -c -f)"
strace_total() { # outfile cmd... -> prints total calls; fails if cmd failed
    strace -f -c -o "$1" "${@:2}" >/dev/null 2>&1 </dev/null || return 1
    awk '$NF == "total" { print $4 }' "$1"
}
if ! have strace; then
    echo "  n/a (strace not installed: apt-get install -y strace)"
elif can_run hello.wasm; then
    s_calls=$(strace_total log/strace.slight "$SLIGHT" run hello.wasm) || s_calls=""
    t_calls=$(strace_total log/strace.true /bin/true) || t_calls=""
    D_CALLS=$s_calls
    echo "  slight run hello.wasm: ${s_calls:-n/a} system calls (/bin/true: ${t_calls:-n/a})"
    if [ -n "$s_calls" ]; then
        echo "  most frequent:"
        awk 'NR > 2 && $1 !~ /^-/ && $NF != "total" { print $4, $NF }' log/strace.slight |
            sort -rn | head -8 | awk '{ printf "    %-20s %s\n", $2, $1 }'
    fi
else
    echo "  n/a"
fi

# ---------------------------------------------------------------- (e)
echo
echo "(e) per-instance pool: fresh instance from the pool (1 MiB initialized memory, a few dirty pages) and guest->host calls"
# ---- BEGIN section for the in-process driver ------------------------------
# build/bench/pool/bench_pool (bench/pool/bench_pool.c, built with slight) runs
# the engine's pool in-process on a module with a 1 MiB initialized memory
# (bench/pool/pool.wat). System calls per fresh instance come from strace:
# (calls at N iterations - calls at 0) / N.
# Targets: fresh instance <= 2 us with 0 system calls; guest->host call <= 3 ns.
BENCH_POOL=${BENCH_POOL:-$ROOT/build/bench/pool/bench_pool}
POOL_WASM=${POOL_WASM:-$ROOT/build/bench/pool/pool.wasm}
E_US=""
E_CALLS=""
E_HOST=""
if [ -x "$BENCH_POOL" ] && [ -f "$POOL_WASM" ]; then
    for mode in madvise dirty instantiate; do
        if line=$(timeout 300 "$BENCH_POOL" "$POOL_WASM" "$mode" 20000 2>log/pool.err); then
            echo "  $line"
        else
            echo "  $mode: failed: $(oneline log/pool.err)"
        fi
        if have strace && [ "$mode" != instantiate ]; then
            n=10000
            c0=$(strace_total log/strace.pool0 "$BENCH_POOL" "$POOL_WASM" "$mode" 0) || c0=""
            cn=$(strace_total log/strace.pooln "$BENCH_POOL" "$POOL_WASM" "$mode" "$n") || cn=""
            if [ -n "$c0" ] && [ -n "$cn" ]; then
                per=$(awk -v a="$c0" -v b="$cn" -v n="$n" 'BEGIN { printf "%.3f", (b - a) / n }')
                echo "  $mode: $per system calls per fresh instance (strace)"
                [ "$mode" = dirty ] && E_CALLS=$per
            fi
        fi
        [ "$mode" = dirty ] && E_US=$(printf '%s\n' "$line" | sed -n 's/.*pages: \([0-9.]*\) us.*/\1/p')
    done
    if line=$(timeout 300 "$BENCH_POOL" "$POOL_WASM" hostcall 100000000 2>log/pool.err); then
        echo "  $line"
        E_HOST=$(printf '%s\n' "$line" | sed -n 's/.*trip: \([0-9.]*\) ns.*/\1/p')
    fi
    echo "  reset strategy kept for pooled instances: dirty pages (write barrier), no system call"
else
    echo "  n/a: $BENCH_POOL not built (meson compile -C build)"
fi
# ---- END section for the in-process driver --------------------------------

echo
echo "summary:"
echo "  start-up vs /bin/true:        ${A_RATIO:-n/a} (target <= 2x)"
echo "  large module to _start:       $([ -n "$B_START" ] && secs "$B_START" || echo n/a) (target <= 1.0 s, baseline tier, empty cache)"
echo "  binary size:                  ${C_SIZE:-n/a}${C_SIZE:+ bytes}"
echo "  idle RSS:                     ${C_RSS:-n/a}"
echo "  syscalls, cached hello run:   ${D_CALLS:-n/a}"
echo "  fresh pooled instance:        ${E_US:-n/a} us, ${E_CALLS:-n/a} system calls (target <= 2 us, 0)"
echo "  guest->host call round trip:  ${E_HOST:-n/a} ns (target <= 3 ns)"
exit 0
