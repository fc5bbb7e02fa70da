# messaging.nats through slight run: a subscriber and a publisher in two
# slight processes (delivery across processes), a third message published by
# a plain NATS client (the text protocol over bash's /dev/tcp: Debian has no
# nats CLI), then the server unreachable. Against the server of
# tools/services.sh ($SLIGHT_TEST_NATS); skips (exit 77) without one, except
# in CI.
if [ -z "${SLIGHT_TEST_NATS:-}" ]; then
  if [ "${CI:-}" = true ]; then echo "SLIGHT_TEST_NATS is not set in CI" >&2; exit 1; fi
  echo 'SLIGHT_TEST_NATS is not set: eval "$(tools/services.sh start)" to run this case'
  exit 77
fi
run() { "$SLIGHT" run ${TIER:+--tier=$TIER} "$APP" -- "$@"; }
fail() { echo "$*" >&2; [ -n "${sub:-}" ] && kill "$sub" 2>/dev/null; exit 1; }
topic="orders.$$-${TIER:-default}"
subject="golden-mq.$topic" # <capability name>.<topic>

run sub "$topic" >sub.out 2>sub.err &
sub=$!
for _ in $(seq 100); do
  grep -q subscribed sub.out 2>/dev/null && break
  sleep 0.1
done
grep -q subscribed sub.out || fail "the subscriber did not subscribe: $(cat sub.out sub.err)"

out=$(run pub "$topic") || fail "publisher: slight run exited $?: $out"
[ "$out" = published ] || fail "publisher: unexpected output: $out"
# a plain client: CONNECT, PUB, and PING so that its PONG confirms the PUB
hostport=${SLIGHT_TEST_NATS#nats://}
exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}" || fail "cannot connect to $SLIGHT_TEST_NATS"
read -r -t 10 info <&3 || fail "no INFO from nats-server"
printf 'CONNECT {"verbose":false}\r\nPUB %s 15\r\nfrom raw client\r\nPING\r\n' "$subject" >&3
pong=
while read -r -t 10 line <&3; do
  case "$line" in PONG*) pong=1; break ;; esac
done
exec 3>&-
[ -n "$pong" ] || fail "nats-server did not confirm the raw PUB"
wait "$sub" || fail "subscriber: slight run exited $?: $(cat sub.out sub.err)"
sub=
[ "$(cat sub.out)" = 'subscribed
got 5 bytes: a\0b\nc
got 6 bytes: second
got 15 bytes: from raw client' ] || fail "subscriber: unexpected output: $(cat sub.out)"

# nothing listens on port 1: start-up works, the first call is connection-lost (5)
out=$(SLIGHT_TEST_NATS=nats://127.0.0.1:1 run pub "$topic") || fail "server down: slight run exited $?: $out"
case "$out" in
"publish: case 5: messaging.nats: cannot connect to '127.0.0.1:1': "*) ;;
*) fail "server down: unexpected output: $out" ;;
esac
