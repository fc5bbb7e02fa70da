#!/usr/bin/env bash
# Compute benchmark: runs each kernel natively (gcc -O2), under slight's
# optimized and baseline tiers, under Node.js (WASI preview1) and under wabt's
# wasm-interp, and prints a table of best-of-N wall times with the ratio to
# native, plus the geometric mean of (time / native) per runtime.
#
# Environment:
#   SLIGHT        slight binary (default: build/slight in the repository)
#   RUNS          runs per measurement, best one kept (default 3)
#   INTERP_RUNS   runs for wasm-interp (default 1; it is slow)
#   ONLY          space-separated subset of kernels (default: all)
#   OUT           build/output directory (default: bench/compute/out)
#   CC, WASM_CC   native and wasm compilers (default: gcc, clang)
#   NODE          node binary (default: node)
#   TIMEOUT       seconds before one run is abandoned (default 120)
#   FULL_BASELINE 1: run the baseline tier on the full workload (slow)
#
# Benchmarks are not tests: this script never fails because of a timing, and
# a runtime that is missing or fails is shown as "n/a" without stopping.
set -u
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SLIGHT=${SLIGHT:-$ROOT/build/slight}
case "$SLIGHT" in /*) ;; *) SLIGHT="$ROOT/$SLIGHT" ;; esac
RUNS=${RUNS:-3}
INTERP_RUNS=${INTERP_RUNS:-1}
OUT=${OUT:-$HERE/out}
CC=${CC:-gcc}
WASM_CC=${WASM_CC:-clang}
NODE=${NODE:-node}
TIMEOUT=${TIMEOUT:-120}

# name, reps of the full workload (~0.5-1.5 s natively here), reps for
# slight's baseline tier (libtcc code runs ~3-60x slower than native, so it
# gets a reduced workload unless FULL_BASELINE=1), reps for wasm-interp.
KERNELS=(
    "sha256     250      50       2"
    "nbody      8000000  1600000  80000"
    "quicksort  12       4        1"
    "matmul     300      30       1"
    "sieve      25       5        1"
    "mandelbrot 24       6        1"
)

RUNTIMES=(native opt base node interp)
declare -A TITLE=([native]="native" [opt]="slight-opt" [base]="slight-base"
                  [node]="node" [interp]="wasm-interp")

NOTES=()
note() { NOTES+=("$*"); }
have() { command -v "$1" >/dev/null 2>&1; }

case "$RUNS" in '' | *[!0-9]* | 0) echo "RUNS must be a positive integer" >&2; exit 2 ;; esac
case "$INTERP_RUNS" in '' | *[!0-9]* | 0) echo "INTERP_RUNS must be a positive integer" >&2; exit 2 ;; esac

mkdir -p "$OUT" || { echo "cannot create $OUT" >&2; exit 1; }
OUT=$(cd "$OUT" && pwd)
rm -rf "$OUT/cache" "$OUT/log"
mkdir -p "$OUT/cache" "$OUT/log" "$OUT/bin"
chmod 700 "$OUT/cache"
# A private cache: the optimized tier is compiled by the warm-up below, and
# nothing from an earlier engine build is reused.
export XDG_CACHE_HOME="$OUT/cache"
# Run from the output directory so that no ./slightfile.toml is picked up.
cd "$OUT" || exit 1

# ---------------------------------------------------------------- helpers

# measure N TIMEOUT OUTFILE CMD... : runs CMD N times, keeps the best wall
# time in BEST (seconds) and the stdout of the last run in OUTFILE.
# On failure BEST is empty and FAIL says why.
measure() {
    local n=$1 tmo=$2 outf=$3
    shift 3
    local i t0 t1 rc best=""
    BEST="" FAIL=""
    for ((i = 0; i < n; i++)); do
        t0=$EPOCHREALTIME
        timeout "$tmo" "$@" >"$outf" 2>"$outf.err" </dev/null
        rc=$?
        t1=$EPOCHREALTIME
        if ((rc == 124)); then
            FAIL="timeout after ${tmo}s"
            return 1
        elif ((rc != 0)); then
            FAIL="exit status $rc: $(head -c 300 "$outf.err" | tr '\n' ' ')"
            return 1
        fi
        best=$(awk -v a="$best" -v s="$t0" -v e="$t1" \
            'BEGIN { d = e - s; if (a == "" || d < a + 0) printf "%.6f", d; else print a }')
    done
    BEST=$best
}

fmt_cell() { # seconds ratio -> "0.853 1.02x"
    awk -v t="$1" -v r="$2" 'BEGIN { if (r == "") printf "%.3f", t; else printf "%.3f %5.2fx", t, r }'
}

check_output() { # label expected-file outfile (uses $name) -> 0 if same output as native
    if cmp -s "$2" "$3"; then return 0; fi
    note "$name $1: WRONG CHECKSUM: got '$(head -c 200 "$3" | tr '\n' ' ')', native printed '$(tr '\n' ' ' <"$2")'"
    return 1
}
record() { # runtime seconds
    T[$name,$1]=$2
    R[$name,$1]=$(awk -v t="$2" -v n="${T[$name,native]}" 'BEGIN { printf "%.6f", t / n }')
    CELL[$name,$1]=$(fmt_cell "$2" "${R[$name,$1]}")
}

# ---------------------------------------------------------------- tools

echo "== slight compute benchmark"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //'), $(nproc 2>/dev/null || echo '?') cores, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "runs: best of $RUNS (wasm-interp: $INTERP_RUNS)"

declare -A AVAIL
for r in "${RUNTIMES[@]}"; do AVAIL[$r]=1; done

if ! have "$CC"; then
    echo "error: $CC not found; cannot build the native baseline" >&2
    exit 1
fi
echo "native: $("$CC" --version | head -1) -O2"

WASM_OK=1
if ! have "$WASM_CC"; then
    WASM_OK=0
    note "$WASM_CC not found: no wasm builds, every wasm column is n/a"
else
    echo "wasm: $("$WASM_CC" --version | head -1) --target=wasm32-wasi -O2"
fi

if [ -x "$SLIGHT" ]; then
    echo "slight: $SLIGHT ($("$SLIGHT" --version 2>/dev/null | head -1 || true))"
else
    AVAIL[opt]=0 AVAIL[base]=0
    note "slight: $SLIGHT not found or not executable (set SLIGHT=...): slight columns n/a"
fi

if have "$NODE"; then
    echo "node: $("$NODE" --version) (WASI preview1, $HERE/node_wasi.mjs)"
else
    AVAIL[node]=0
    note "node: not found: node column n/a"
fi

INTERP_MODE=""
if have wasm-interp; then
    echo "wasm-interp: $(wasm-interp --version 2>/dev/null) (reduced workload, time scaled to the full one)"
else
    AVAIL[interp]=0
    note "wasm-interp: not found (apt-get install wabt): wasm-interp column n/a"
fi
if ((WASM_OK == 0)); then AVAIL[opt]=0 AVAIL[base]=0 AVAIL[node]=0 AVAIL[interp]=0; fi

# ---------------------------------------------------------------- build

CFLAGS_COMMON=(-O2 -Wall -Wextra)
WASM_FLAGS=(--target=wasm32-wasi --sysroot=/usr)
SELECTED=()
declare -A REPS BREPS IREPS
for k in "${KERNELS[@]}"; do
    read -r name reps breps ireps <<<"$k"
    if [ "${FULL_BASELINE:-0}" = 1 ]; then breps=$reps; fi
    if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]]; then continue; fi
    src="$HERE/$name.c"
    if ! "$CC" "${CFLAGS_COMMON[@]}" -o "bin/$name" "$src" -lm 2>"log/$name.native.build"; then
        note "$name: native build failed (see $OUT/log/$name.native.build); kernel skipped"
        continue
    fi
    if ((WASM_OK)); then
        if ! "$WASM_CC" "${WASM_FLAGS[@]}" "${CFLAGS_COMMON[@]}" -o "bin/$name.wasm" "$src" \
            2>"log/$name.wasm.build"; then
            note "$name: wasm build failed (see $OUT/log/$name.wasm.build)"
            rm -f "bin/$name.wasm"
        fi
    fi
    SELECTED+=("$name")
    REPS[$name]=$reps
    BREPS[$name]=$breps
    IREPS[$name]=$ireps
done
if ((${#SELECTED[@]} == 0)); then
    echo "error: no kernel to run (ONLY='${ONLY:-}')" >&2
    exit 1
fi

# wasm-interp: Debian's wabt 1.0.32 is built without WASI ("wasi support not
# compiled in"). Then each kernel is also built as a library module with the
# reduced workload compiled in (-DBENCH_INTERP_REPS=N, no _start), run with
# --run-all-exports; its export returns the FNV-1a hash of the checksum line,
# compared with the native binary's "--fnv" output for the same workload.
if ((AVAIL[interp])) && ((WASM_OK)); then
    first=${SELECTED[0]}
    if [ -f "bin/$first.wasm" ] &&
        timeout 60 wasm-interp --wasi "bin/$first.wasm" "${IREPS[$first]}" >"log/interp.probe" 2>&1; then
        INTERP_MODE=wasi
        note "wasm-interp: --wasi, reduced workload per kernel, time scaled linearly to the full workload"
    elif grep -q "wasi support not compiled in" "log/interp.probe" 2>/dev/null; then
        INTERP_MODE=lib
        note "wasm-interp: built without WASI here; ran a library build of each kernel (--run-all-exports, same kernel code, checksum compared as FNV-1a hash) with a reduced workload, time scaled linearly to the full workload (includes setup, so slightly pessimistic)"
        for name in "${SELECTED[@]}"; do
            "$WASM_CC" "${WASM_FLAGS[@]}" "${CFLAGS_COMMON[@]}" -DBENCH_INTERP_REPS="${IREPS[$name]}" \
                -nostartfiles -Wl,--no-entry -o "bin/$name.interp.wasm" "$HERE/$name.c" \
                2>"log/$name.interp.build" || rm -f "bin/$name.interp.wasm"
        done
    else
        AVAIL[interp]=0
        note "wasm-interp: probe failed ($(head -c 200 log/interp.probe | tr '\n' ' ')): column n/a"
    fi
fi

# ---------------------------------------------------------------- run

declare -A T R CELL
for name in "${SELECTED[@]}"; do
    reps=${REPS[$name]}
    ireps=${IREPS[$name]}
    wasm="bin/$name.wasm"
    echo "-- $name (reps=$reps)" >&2

    # native
    if measure "$RUNS" "$TIMEOUT" "log/$name.native.out" "bin/$name" "$reps"; then
        T[$name,native]=$BEST
        CELL[$name,native]=$(fmt_cell "$BEST" "")
    else
        CELL[$name,native]="n/a"
        note "$name native: $FAIL"
        continue
    fi
    expect="log/$name.native.out"

    # slight, optimized tier: compile ahead of time so that it is excluded
    if ((AVAIL[opt])) && [ -f "$wasm" ]; then
        if timeout 600 "$SLIGHT" compile "$wasm" >"log/$name.compile.out" 2>&1; then
            if measure "$RUNS" "$TIMEOUT" "log/$name.opt.out" "$SLIGHT" run --tier=optimized "$wasm" -- "$reps"; then
                if check_output slight-opt "$expect" "log/$name.opt.out"; then
                    record opt "$BEST"
                else
                    CELL[$name,opt]="WRONG"
                fi
            else
                CELL[$name,opt]="n/a"
                note "$name slight-opt: $FAIL"
            fi
        else
            CELL[$name,opt]="n/a"
            note "$name slight compile: failed: $(head -c 300 "log/$name.compile.out" | tr '\n' ' ')"
        fi
    else
        CELL[$name,opt]="n/a"
    fi

    # slight, baseline tier: one warm-up run (reps=1) fills the wasm2c cache;
    # the libtcc compile in memory is part of every baseline run. With a
    # reduced workload the time is scaled by reps / breps and the checksum
    # is compared with the native binary's for the same reduced workload.
    CELL[$name,base]="n/a"
    if ((AVAIL[base])) && [ -f "$wasm" ]; then
        breps=${BREPS[$name]}
        bexpect=$expect
        if ((breps != reps)); then
            bexpect="log/$name.native.breps.out"
            "bin/$name" "$breps" >"$bexpect" 2>/dev/null
        fi
        timeout "$TIMEOUT" "$SLIGHT" run --tier=baseline "$wasm" -- 1 >/dev/null 2>&1 </dev/null
        if measure "$RUNS" "$TIMEOUT" "log/$name.base.out" "$SLIGHT" run --tier=baseline "$wasm" -- "$breps"; then
            if check_output slight-base "$bexpect" "log/$name.base.out"; then
                record base "$(awk -v t="$BEST" -v a="$reps" -v b="$breps" 'BEGIN { printf "%.6f", t * a / b }')"
                ((breps != reps)) && CELL[$name,base]="${CELL[$name,base]}*"
            else
                CELL[$name,base]="WRONG"
            fi
        else
            case "$FAIL" in timeout*) CELL[$name,base]="n/a (timeout)" ;; esac
            note "$name slight-base: $FAIL"
        fi
    fi

    # Node.js
    if ((AVAIL[node])) && [ -f "$wasm" ]; then
        if measure "$RUNS" "$TIMEOUT" "log/$name.node.out" "$NODE" --no-warnings "$HERE/node_wasi.mjs" "$wasm" "$reps"; then
            if check_output node "$expect" "log/$name.node.out"; then
                record node "$BEST"
            else
                CELL[$name,node]="WRONG"
            fi
        else
            CELL[$name,node]="n/a"
            note "$name node: $FAIL"
        fi
    else
        CELL[$name,node]="n/a"
    fi

    # wasm-interp, reduced workload, time scaled by reps / ireps
    CELL[$name,interp]="n/a"
    if ((AVAIL[interp])) && [ -f "$wasm" ]; then
        ok=0
        case "$INTERP_MODE" in
        wasi)
            "bin/$name" "$ireps" >"log/$name.interp.expect" 2>/dev/null
            if measure "$INTERP_RUNS" "$TIMEOUT" "log/$name.interp.out" wasm-interp --wasi "$wasm" "$ireps"; then
                ok=1
            fi
            ;;
        lib)
            "bin/$name" "$ireps" --fnv >"log/$name.interp.hash" 2>/dev/null
            printf 'bench_interp() => i32:%s\n' "$(cat "log/$name.interp.hash")" >"log/$name.interp.expect"
            if [ ! -f "bin/$name.interp.wasm" ]; then
                FAIL="library build failed (see $OUT/log/$name.interp.build)"
            elif measure "$INTERP_RUNS" "$TIMEOUT" "log/$name.interp.out" \
                wasm-interp --dummy-import-func --run-all-exports "bin/$name.interp.wasm"; then
                ok=1
            fi
            ;;
        esac
        if ((ok)); then
            if cmp -s "log/$name.interp.expect" "log/$name.interp.out"; then
                scaled=$(awk -v t="$BEST" -v a="$reps" -v b="$ireps" 'BEGIN { printf "%.6f", t * a / b }')
                record interp "$scaled"
                CELL[$name,interp]="${CELL[$name,interp]}*"
            else
                CELL[$name,interp]="WRONG"
                note "$name wasm-interp: WRONG CHECKSUM: got '$(tr '\n' ' ' <"log/$name.interp.out")', expected '$(tr '\n' ' ' <"log/$name.interp.expect")'"
            fi
        else
            case "$FAIL" in timeout*) CELL[$name,interp]="n/a (timeout)" ;; esac
            note "$name wasm-interp: $FAIL"
        fi
    fi
done

# ---------------------------------------------------------------- report

echo
printf '%-11s' "kernel"
for r in "${RUNTIMES[@]}"; do printf ' %-17s' "${TITLE[$r]}"; done
echo
for name in "${SELECTED[@]}"; do
    printf '%-11s' "$name"
    for r in "${RUNTIMES[@]}"; do printf ' %-17s' "${CELL[$name,$r]:-n/a}"; done
    echo
done
echo "(seconds, best of $RUNS wall time (wasm-interp: $INTERP_RUNS); ratio = time / native;"
echo " * = ran a reduced workload, time scaled linearly to the full one: slight-base"
echo "     $( [ "${FULL_BASELINE:-0}" = 1 ] && echo "ran the full workload (FULL_BASELINE=1)" || echo "1/4 to 1/10 (FULL_BASELINE=1 for all)"), wasm-interp ~1/100)"

echo
echo "geometric mean of time / native:"
declare -A GM
for r in opt base node interp; do
    ratios=()
    for name in "${SELECTED[@]}"; do
        [ -n "${R[$name,$r]:-}" ] && ratios+=("${R[$name,$r]}")
    done
    if ((${#ratios[@]} == 0)); then
        GM[$r]=""
        printf '  %-12s n/a\n' "${TITLE[$r]}"
        continue
    fi
    GM[$r]=$(printf '%s\n' "${ratios[@]}" | awk '{ s += log($1); n++ } END { printf "%.3f", exp(s / n) }')
    printf '  %-12s %sx  (%d of %d kernels)\n' "${TITLE[$r]}" "${GM[$r]}" "${#ratios[@]}" "${#SELECTED[@]}"
done

if ((${#NOTES[@]})); then
    echo
    echo "notes:"
    for n in "${NOTES[@]}"; do echo "  - $n"; done
fi

echo
if [ -n "${GM[opt]}" ]; then
    verdict=$(awk -v g="${GM[opt]}" 'BEGIN { print (g <= 1.05) ? "meets" : "does not meet" }')
    echo "slight optimized tier: ${GM[opt]}x native (geometric mean) -- $verdict the target of <= 1.05x"
else
    echo "slight optimized tier: n/a -- target is <= 1.05x native (geometric mean)"
fi
exit 0
