# keyvalue.redis through slight run, against the server of tools/services.sh
# ($SLIGHT_TEST_REDIS), then with the server unreachable. Skips (exit 77)
# without a server, except in CI.
if [ -z "${SLIGHT_TEST_REDIS:-}" ]; then
  if [ "${CI:-}" = true ]; then echo "SLIGHT_TEST_REDIS is not set in CI" >&2; exit 1; fi
  echo 'SLIGHT_TEST_REDIS is not set: eval "$(tools/services.sh start)" to run this case'
  exit 77
fi
run() { "$SLIGHT" run ${TIER:+--tier=$TIER} "$APP"; }
fail() { echo "$*" >&2; exit 1; }
redis-cli -u "$SLIGHT_TEST_REDIS" del golden-redis:kept >/dev/null || fail "redis-cli failed"

out=$(run) || fail "slight run exited $?: $out"
[ "$out" = "missing: keyvalue.redis: key 'nope' not found
ok" ] || fail "unexpected output: $out"
# stored as slight v0.5.1 stored it: "<open name>:<key>"
[ "$(redis-cli -u "$SLIGHT_TEST_REDIS" get golden-redis:kept)" = "for redis-cli" ] || fail "golden-redis:kept not in Redis"
redis-cli -u "$SLIGHT_TEST_REDIS" del golden-redis:kept >/dev/null

# nothing listens on port 1: start-up works, the first call is a connection-error (3)
out=$(SLIGHT_TEST_REDIS=redis://127.0.0.1:1 run) || fail "server down: slight run exited $?: $out"
case "$out" in
"set: error 3: keyvalue.redis: cannot connect to '127.0.0.1:1': "*) ;;
*) fail "server down: unexpected output: $out" ;;
esac
