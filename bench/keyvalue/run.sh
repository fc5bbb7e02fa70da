#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# keyvalue throughput: SET and GET ops/s through guests (kv_bench.c on the
# generated bindings) on memory, filesystem, sqlite and redis; for redis, the
# same number of clients with redis-benchmark against the same server in the
# same run, and the ratio (target >= 0.9x). Starts its own redis-server.
#   bench/keyvalue/run.sh            N=20000 ops per client, CLIENTS="1 4"
set -u
cd "$(dirname "$0")/../.."
SLIGHT=${SLIGHT:-build/slight}
N=${N:-20000}
CLIENTS=${CLIENTS:-"1 4"}
OUT=${OUT:-bench/keyvalue/out}
mkdir -p "$OUT"
export XDG_CACHE_HOME=$PWD/$OUT/cache
W=$(mktemp -d)
trap 'redis-cli -p $PORT shutdown nosave >/dev/null 2>&1; rm -rf "$W"' EXIT

build/tools/witgen/witgen guest-c wit/keyvalue.wit "$OUT/keyvalue.h" "$OUT/keyvalue.c" || exit 0
clang --target=wasm32-wasi --sysroot=/usr -O2 -I "$OUT" bench/keyvalue/kv_bench.c "$OUT/keyvalue.c" \
  -o "$OUT/kv_bench.wasm" || exit 0
"$SLIGHT" compile "$OUT/kv_bench.wasm" >/dev/null 2>&1 # optimized tier up front

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$PORT" --bind 127.0.0.1 --dir "$W" --save '' --appendonly no >/dev/null 2>&1 &
for i in $(seq 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

slightfile() { # resource, config lines
  local f=$W/$1.toml r=$1; shift
  { printf 'specversion = "0.2"\n[[capability]]\nresource = "%s"\nname = "bench"\n[capability.configs]\n' "$r"
    for c in "$@"; do echo "$c"; done; } > "$f"; echo "$f"; }

# ops/s summed over C parallel clients: "set get"
guests() {
  local sf=$1 c=$2 i
  for i in $(seq "$c"); do "$SLIGHT" -c "$sf" run "$OUT/kv_bench.wasm" -- "$N" "c$i" > "$W/out.$i" 2>&1 & done
  wait
  awk '/^set/ {s += $2; g += $4} END {printf "%.0f %.0f\n", s, g}' "$W"/out.*
  rm -f "$W"/out.*
}

printf '%-22s %8s %12s %12s\n' backend clients "SET ops/s" "GET ops/s"
for c in $CLIENTS; do
  for b in memory filesystem sqlite; do
    case $b in
      memory) sf=$(slightfile keyvalue.memory) ;;
      filesystem) sf=$(slightfile keyvalue.filesystem "BASE_DIR = \"$W/fs\"") ;;
      sqlite) sf=$(slightfile keyvalue.sqlite "SQLITE_PATH = \"$W/kv.db\"") ;;
    esac
    read -r s g < <(guests "$sf" "$c")
    printf '%-22s %8s %12s %12s\n' "keyvalue.$b" "$c" "$s" "$g"
  done
  sf=$(slightfile keyvalue.redis "REDIS_ADDRESS = \"redis://127.0.0.1:$PORT\"")
  read -r s g < <(guests "$sf" "$c")
  read -r rs rg < <(redis-benchmark -p "$PORT" -c "$c" -n $((N * c)) -t set,get -d 16 -r 1000 --csv 2>/dev/null |
    awk -F'"' '/"SET"/ {s=$4} /"GET"/ {g=$4} END {print s+0, g+0}')
  printf '%-22s %8s %12s %12s\n' "keyvalue.redis (guest)" "$c" "$s" "$g"
  printf '%-22s %8s %12s %12s\n' "redis-benchmark" "$c" "$rs" "$rg"
  awk -v s="$s" -v g="$g" -v rs="$rs" -v rg="$rg" -v c="$c" \
    'BEGIN {printf "%-22s %8s %11.2fx %11.2fx   (target >= 0.9x)\n", "ratio guest/native", c, (rs ? s/rs : 0), (rg ? g/rg : 0)}'
done
