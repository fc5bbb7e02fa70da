# messaging.redis through slight run: a subscriber and a publisher in two
# slight processes (delivery across processes), a third message added with
# redis-cli, then the server unreachable. Against the server of
# tools/services.sh ($SLIGHT_TEST_REDIS); skips (exit 77) without one, except
# in CI.
if [ -z "${SLIGHT_TEST_REDIS:-}" ]; then
  if [ "${CI:-}" = true ]; then echo "SLIGHT_TEST_REDIS is not set in CI" >&2; exit 1; fi
  echo 'SLIGHT_TEST_REDIS is not set: eval "$(tools/services.sh start)" to run this case'
  exit 77
fi
run() { "$SLIGHT" run ${TIER:+--tier=$TIER} "$APP" -- "$@"; }
fail() { echo "$*" >&2; [ -n "${sub:-}" ] && kill "$sub" 2>/dev/null; exit 1; }
topic="orders:$$-${TIER:-default}" # ':' in a topic is escaped in the stream's name
stream="golden-mq:orders%3A$$-${TIER:-default}"

run sub "$topic" >sub.out 2>sub.err &
sub=$!
for _ in $(seq 100); do
  grep -q subscribed sub.out 2>/dev/null && break
  sleep 0.1
done
grep -q subscribed sub.out || fail "the subscriber did not subscribe: $(cat sub.out sub.err)"

out=$(run pub "$topic") || fail "publisher: slight run exited $?: $out"
[ "$out" = published ] || fail "publisher: unexpected output: $out"
redis-cli -u "$SLIGHT_TEST_REDIS" xadd "$stream" '*' data "from redis-cli" >/dev/null \
  || fail "redis-cli xadd failed"
wait "$sub" || fail "subscriber: slight run exited $?: $(cat sub.out sub.err)"
sub=
[ "$(cat sub.out)" = 'subscribed
got 5 bytes: a\0b\nc
got 6 bytes: second
got 14 bytes: from redis-cli' ] || fail "subscriber: unexpected output: $(cat sub.out)"
[ "$(redis-cli -u "$SLIGHT_TEST_REDIS" xlen "$stream")" = 3 ] || fail "$stream does not hold 3 entries"
redis-cli -u "$SLIGHT_TEST_REDIS" del "$stream" >/dev/null

# nothing listens on port 1: start-up works, the first call is connection-lost (5)
out=$(SLIGHT_TEST_REDIS=redis://127.0.0.1:1 run pub "$topic") || fail "server down: slight run exited $?: $out"
case "$out" in
"publish: case 5: messaging.redis: cannot connect to '127.0.0.1:1': "*) ;;
*) fail "server down: unexpected output: $out" ;;
esac
