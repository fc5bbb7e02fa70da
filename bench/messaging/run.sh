#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# messaging through a guest (msg_bench.c on the generated bindings):
# publish -> receive latency p50/p99 with one message in flight, and
# messages/s in windows of W published then received, on memory,
# filesystem, redis, mosquitto, nats and amqp; for nats and mosquitto the
# same figures from a native C client on the same library against the same
# broker in the same run (nats_native.c, mqtt_native.c), and the ratios
# (target >= 0.8x native). The brokers are those of tools/services.sh,
# started privately for this run (Mosquitto with set_tcp_nodelay).
#   bench/messaging/run.sh         N=2000 messages, SIZE=64 bytes, W=100
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
SLIGHT=${SLIGHT:-build/slight}
WITGEN=${WITGEN:-build/tools/witgen/witgen}
N=${N:-2000}
SIZE=${SIZE:-64}
W=${W:-100}
OUT=${OUT:-bench/messaging/out}
mkdir -p "$OUT"
export XDG_CACHE_HOME=$ROOT/$OUT/cache
TMP=$(mktemp -d)
export SLIGHT_SERVICES_DIR=$TMP/services
. tools/services.sh
trap 'services_stop; rm -rf "$TMP"' EXIT

"$WITGEN" guest-c wit/messaging.wit "$OUT/messaging.h" "$OUT/messaging.c" || exit 1
clang --target=wasm32-wasi --sysroot=/usr -O2 -I "$OUT" bench/messaging/msg_bench.c \
  "$OUT/messaging.c" -o "$OUT/msg_bench.wasm" || exit 1
"$SLIGHT" compile "$OUT/msg_bench.wasm" >/dev/null 2>&1 # optimized tier up front
have_nats=0 have_mqtt=0
gcc -O2 bench/messaging/nats_native.c $(pkg-config --cflags --libs libnats 2>/dev/null) \
  -o "$OUT/nats_native" 2>/dev/null && have_nats=1
gcc -O2 bench/messaging/mqtt_native.c $(pkg-config --cflags --libs libmosquitto 2>/dev/null) \
  -lpthread -o "$OUT/mqtt_native" 2>/dev/null && have_mqtt=1

echo "starting the brokers (tools/services.sh; RabbitMQ takes about 10 s)" >&2
services_start >/dev/null 2>&1
for i in $(seq 600); do [ -f "$SLIGHT_SERVICES_DIR/rabbitmq.rc" ] && break; sleep 0.1; done
eval "$(services_env)"
[ "$(cat "$SLIGHT_SERVICES_DIR/rabbitmq.rc" 2>/dev/null)" = 0 ] || unset SLIGHT_TEST_AMQP

slightfile() { # resource, config lines
  local f=$TMP/$1.toml r=$1; shift
  { printf 'specversion = "0.2"\n[[capability]]\nresource = "%s"\nname = "bench"\n[capability.configs]\n' "$r"
    for c in "$@"; do echo "$c"; done; } > "$f"; echo "$f"; }

# "p50 p99 msgs/s" of one run of CMD...
figures() {
  "$@" > "$TMP/out" 2>&1 || { echo "failed: $(tr '\n' ' ' < "$TMP/out" | cut -c1-200)" >&2; echo "- - -"; return; }
  awk '/^latency/ {p50=$2; p99=$3} /^throughput/ {t=$2} END {print p50, p99, t}' "$TMP/out"
}
guest() { figures "$SLIGHT" -c "$1" run "$OUT/msg_bench.wasm" -- "$N" "$SIZE" "$W" "bench-$RANDOM"; }
row() { printf '%-30s %10s %10s %12s\n' "$@"; }
ratio() { # name, guest msgs/s, native msgs/s, guest p50, native p50
  awk -v n="$1" -v g="$2" -v r="$3" -v gl="$4" -v nl="$5" 'BEGIN {
    if (g + 0 > 0 && r + 0 > 0 && gl + 0 > 0)
      printf "%-30s throughput %.2fx, p50 latency %.2fx native   (target >= 0.8x)\n", n, g / r, nl / gl }'
}

echo "messaging: N=$N messages of $SIZE bytes, windows of W=$W (latency: one message in flight)"
row backend "p50 us" "p99 us" "msgs/s"
sf=$(slightfile messaging.memory); read -r a b c < <(guest "$sf"); row messaging.memory "$a" "$b" "$c"
sf=$(slightfile messaging.filesystem "BASE_DIR = \"$TMP/fs\""); read -r a b c < <(guest "$sf")
row messaging.filesystem "$a" "$b" "$c"
if [ -n "${SLIGHT_TEST_REDIS:-}" ]; then
  sf=$(slightfile messaging.redis "REDIS_ADDRESS = \"$SLIGHT_TEST_REDIS\""); read -r a b c < <(guest "$sf")
  row messaging.redis "$a" "$b" "$c"
fi
if [ -n "${SLIGHT_TEST_MOSQUITTO_PORT:-}" ]; then
  sf=$(slightfile messaging.mosquitto 'MOSQUITTO_HOST = "127.0.0.1"' "MOSQUITTO_PORT = \"$SLIGHT_TEST_MOSQUITTO_PORT\"")
  read -r a b c < <(guest "$sf"); row messaging.mosquitto "$a" "$b" "$c"
  if [ $have_mqtt = 1 ]; then
    read -r na nb nc < <(figures "$OUT/mqtt_native" "$SLIGHT_TEST_MOSQUITTO_PORT" "$N" "$SIZE" "$W" "bench-$RANDOM")
    row "libmosquitto native" "$na" "$nb" "$nc"
    ratio "mosquitto guest/native" "$c" "$nc" "$a" "$na"
  fi
fi
if [ -n "${SLIGHT_TEST_NATS:-}" ]; then
  sf=$(slightfile messaging.nats "NATS_URL = \"$SLIGHT_TEST_NATS\""); read -r a b c < <(guest "$sf")
  row messaging.nats "$a" "$b" "$c"
  if [ $have_nats = 1 ]; then
    read -r na nb nc < <(figures "$OUT/nats_native" "$SLIGHT_TEST_NATS" "$N" "$SIZE" "$W" "bench.$RANDOM" 1)
    row "libnats native (flush)" "$na" "$nb" "$nc"
    read -r fa fb fc < <(figures "$OUT/nats_native" "$SLIGHT_TEST_NATS" "$N" "$SIZE" "$W" "bench.$RANDOM" 0)
    row "libnats native (no flush)" "$fa" "$fb" "$fc"
    ratio "nats guest/native (flush)" "$c" "$nc" "$a" "$na"
  fi
fi
if [ -n "${SLIGHT_TEST_AMQP:-}" ]; then
  sf=$(slightfile messaging.amqp "AMQP_URL = \"$SLIGHT_TEST_AMQP\""); read -r a b c < <(guest "$sf")
  row messaging.amqp "$a" "$b" "$c"
fi
