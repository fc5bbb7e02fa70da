#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Long crash run for the durable keyvalue backends: repeats the conformance
# suite's kill -9 test (a child sets keys in a loop and reports each
# acknowledged one; it is killed with SIGKILL; every acknowledged write must
# be present and whole) with random run times, alternating the backends.
# A correctness soak, not a benchmark: exits 1 when any run failed.
#
#   bench/keyvalue/crash.sh                 # 10 minutes, filesystem and sqlite
#   DURATION=60 BACKENDS=sqlite bench/keyvalue/crash.sh
#
# Environment:
#   BUILD      build directory holding the suite (default: build in the repository)
#   DURATION   seconds to run (default 600)
#   BACKENDS   backends to alternate (default "filesystem sqlite")
#   MIN_MS, MAX_MS  range of the writer's run time before the kill (default 20..3000)
#   TMPDIR     where the stores are made: point it at the file system to test
#   OUT        logs of failed runs (default $TMPDIR/slight-kv-crash, else /tmp/…)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$root/build}
case $build in /*) ;; *) build=$root/$build ;; esac
exe=$build/tests/capabilities/keyvalue/test_kv_conformance
duration=${DURATION:-600}
backends=${BACKENDS:-filesystem sqlite}
min_ms=${MIN_MS:-20}
max_ms=${MAX_MS:-3000}
out=${OUT:-${TMPDIR:-/tmp}/slight-kv-crash}

if [ ! -x "$exe" ]; then
    echo "crash.sh: $exe not found (build with -Dtests=enabled, or set BUILD)" >&2
    exit 2
fi
mkdir -p "$out"

runs=0
failed=0
acked=0
end=$((SECONDS + duration))
while [ "$SECONDS" -lt "$end" ]; do
    for b in $backends; do
        ms=$((min_ms + RANDOM % (max_ms - min_ms + 1)))
        log=$out/run-$runs-$b-${ms}ms.log
        if SL_KV_BACKEND=$b SL_KV_CRASH_MS=$ms "$exe" -j1 --verbose \
                --filter='kv/crash_keeps_acknowledged_writes' >"$log" 2>&1 \
            && grep -q 'Passing: 1 ' "$log"; then
            n=$(sed -n 's/.* \([0-9][0-9]*\) writes acknowledged.*/\1/p' "$log" | head -n1)
            acked=$((acked + ${n:-0}))
            rm -f "$log"
        else
            failed=$((failed + 1))
            echo "FAILED: $b after ${ms} ms (log: $log)"
        fi
        runs=$((runs + 1))
    done
done
echo "keyvalue crash runs: $runs runs ($backends), $acked acknowledged writes checked"
echo "$((runs - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
