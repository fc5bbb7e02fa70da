# messaging.confluent_apache_kafka through slight run: a subscriber and a
# publisher in two slight processes, a third message produced with kcat, then
# the cluster unreachable. The cluster is librdkafka's mock cluster in a
# process of its own (kafka_mock_broker, built with the tests: Debian packages
# no Kafka broker); skips (exit 77) without it or kcat, except in CI.
broker="${SLIGHT_BUILD:-}/tests/capabilities/messaging/kafka_mock_broker"
if [ ! -x "$broker" ] || ! command -v kcat >/dev/null; then
  if [ "${CI:-}" = true ]; then echo "kafka_mock_broker or kcat is missing in CI" >&2; exit 1; fi
  echo "kafka_mock_broker (a build with librdkafka) or kcat is missing"
  exit 77
fi
"$broker" >bootstrap 2>broker.err &
mock=$!
trap 'kill "$mock" 2>/dev/null; wait "$mock" 2>/dev/null' EXIT
fail() { echo "$*" >&2; [ -n "${sub:-}" ] && kill "$sub" 2>/dev/null; exit 1; }
for _ in $(seq 100); do
  [ -s bootstrap ] && break
  sleep 0.1
done
[ -s bootstrap ] || fail "kafka_mock_broker did not start: $(cat broker.err)"
SLIGHT_TEST_KAFKA=$(cat bootstrap)
export SLIGHT_TEST_KAFKA
run() { "$SLIGHT" run ${TIER:+--tier=$TIER} "$APP" -- "$@"; }
topic="orders.$$-${TIER:-default}" # a Kafka topic name: letters, digits, '.', '_', '-'

run sub "$topic" >sub.out 2>sub.err &
sub=$!
for _ in $(seq 100); do
  grep -q subscribed sub.out 2>/dev/null && break
  sleep 0.1
done
grep -q subscribed sub.out || fail "the subscriber did not subscribe: $(cat sub.out sub.err)"

out=$(run pub "$topic") || fail "publisher: slight run exited $?: $out"
[ "$out" = published ] || fail "publisher: unexpected output: $out"
# to partition 0 too: the order of messages on different partitions is not defined
printf 'from kcat\n' | kcat -P -b "$SLIGHT_TEST_KAFKA" -t "$topic" -p 0 || fail "kcat -P failed"
wait "$sub" || fail "subscriber: slight run exited $?: $(cat sub.out sub.err)"
sub=
[ "$(cat sub.out)" = 'subscribed
got 5 bytes: a\0b\nc
got 6 bytes: second
got 9 bytes: from kcat' ] || fail "subscriber: unexpected output: $(cat sub.out)"
# the cluster holds the three on partition 0, in order
sizes=$(kcat -C -b "$SLIGHT_TEST_KAFKA" -t "$topic" -p 0 -o beginning -e -q -f '%S ')
[ "$sizes" = "5 6 9 " ] || fail "partition 0 of $topic holds messages of sizes: $sizes"

# nothing listens on port 1: start-up works, the call is connection-lost (5) after CAK_TIMEOUT
out=$(SLIGHT_TEST_KAFKA=127.0.0.1:1 run pub "$topic") || fail "cluster down: slight run exited $?: $out"
case "$out" in
"publish: case 5: messaging.confluent_apache_kafka: cannot publish to '$topic' on '127.0.0.1:1': "*) ;;
*) fail "cluster down: unexpected output: $out" ;;
esac
