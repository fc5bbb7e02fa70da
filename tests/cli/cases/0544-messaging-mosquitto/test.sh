# messaging.mosquitto through slight run: a subscriber and a publisher in two
# slight processes (delivery across processes, through the broker), a third
# message from mosquitto_pub on the MQTT topic golden-mq/TOPIC, then the
# broker unreachable. Against the Mosquitto of tools/services.sh
# ($SLIGHT_TEST_MOSQUITTO_PORT); skips (exit 77) without one, except in CI.
if [ -z "${SLIGHT_TEST_MOSQUITTO_PORT:-}" ]; then
  if [ "${CI:-}" = true ]; then echo "SLIGHT_TEST_MOSQUITTO_PORT is not set in CI" >&2; exit 1; fi
  echo 'SLIGHT_TEST_MOSQUITTO_PORT is not set: eval "$(tools/services.sh start)" to run this case'
  exit 77
fi
run() { "$SLIGHT" run ${TIER:+--tier=$TIER} "$APP" -- "$@"; }
fail() { echo "$*" >&2; [ -n "${sub:-}" ] && kill "$sub" 2>/dev/null; exit 1; }
topic="orders.$$-${TIER:-default}"

run sub "$topic" >sub.out 2>sub.err &
sub=$!
for _ in $(seq 100); do
  grep -q subscribed sub.out 2>/dev/null && break
  sleep 0.1
done
grep -q subscribed sub.out || fail "the subscriber did not subscribe: $(cat sub.out sub.err)"

out=$(run pub "$topic") || fail "publisher: slight run exited $?: $out"
[ "$out" = published ] || fail "publisher: unexpected output: $out"
mosquitto_pub -h 127.0.0.1 -p "$SLIGHT_TEST_MOSQUITTO_PORT" -q 1 -t "golden-mq/$topic" \
  -m "from mosquitto_pub" || fail "mosquitto_pub failed"
wait "$sub" || fail "subscriber: slight run exited $?: $(cat sub.out sub.err)"
sub=
[ "$(cat sub.out)" = 'subscribed
got 5 bytes: a\0b\nc
got 6 bytes: second
got 18 bytes: from mosquitto_pub' ] || fail "subscriber: unexpected output: $(cat sub.out)"

# nothing listens on port 1: start-up works, the first call is connection-lost (5)
out=$(SLIGHT_TEST_MOSQUITTO_PORT=1 run pub "$topic") \
  || fail "broker down: slight run exited $?: $out"
case "$out" in
"publish: case 5: messaging.mosquitto: "*) ;;
*) fail "broker down: unexpected output: $out" ;;
esac
