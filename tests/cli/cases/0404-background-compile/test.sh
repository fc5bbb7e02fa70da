set -u
export XDG_CACHE_HOME="$PWD/cache"
unset SLIGHT_NO_BACKGROUND_COMPILE
out=$("$SLIGHT" run "$APP"); [ "$out" = bg ] || exit 1
# auto mode started the optimized compile in the background: it appears
for i in $(seq 1 120); do
  [ -n "$(find cache -name opt.sum)" ] && break
  sleep 0.5
done
[ -n "$(find cache -name opt.sum)" ] || { echo "no background compile result"; exit 1; }
out=$(SLIGHT_LOG=debug "$SLIGHT" run "$APP" 2>err.txt); [ "$out" = bg ] || exit 1
grep -q "optimized tier" err.txt || { echo "not loaded from the optimized tier"; cat err.txt; exit 1; }
# --tier=baseline never starts a background compile
rm -rf cache
"$SLIGHT" run --tier=baseline "$APP" >/dev/null
sleep 2
[ -z "$(find cache -name opt.so)" ] || { echo "baseline started a compile"; exit 1; }
