# messaging.amqp through slight run: a subscriber and a publisher in two
# slight processes (delivery across processes, through the exchange
# slight.golden-mq), a third message from amqp-publish, then the broker
# unreachable. Against the RabbitMQ of tools/services.sh ($SLIGHT_TEST_AMQP);
# skips (exit 77) without one, except in CI.
if [ -z "${SLIGHT_TEST_AMQP:-}" ]; then
  if [ "${CI:-}" = true ]; then echo "SLIGHT_TEST_AMQP is not set in CI" >&2; exit 1; fi
  echo 'SLIGHT_TEST_AMQP is not set: eval "$(tools/services.sh start)" to run this case'
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
amqp-publish -u "$SLIGHT_TEST_AMQP" -e slight.golden-mq -r "$topic" -b "from amqp-publish" \
  || fail "amqp-publish failed"
wait "$sub" || fail "subscriber: slight run exited $?: $(cat sub.out sub.err)"
sub=
[ "$(cat sub.out)" = 'subscribed
got 5 bytes: a\0b\nc
got 6 bytes: second
got 17 bytes: from amqp-publish' ] || fail "subscriber: unexpected output: $(cat sub.out)"

# nothing listens on port 1: start-up works, the first call is connection-lost (5)
out=$(SLIGHT_TEST_AMQP=amqp://guest:pa55word@127.0.0.1:1 run pub "$topic") \
  || fail "broker down: slight run exited $?: $out"
case "$out" in
"publish: case 5: messaging.amqp: cannot connect to 127.0.0.1:1 vhost /: "*) ;;
*) fail "broker down: unexpected output: $out" ;;
esac
case "$out" in *pa55word*) fail "broker down: the message shows the password: $out" ;; esac
exit 0
