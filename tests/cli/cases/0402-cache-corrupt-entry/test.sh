set -u
export XDG_CACHE_HOME="$PWD/cache"
"$SLIGHT" run --tier=optimized "$APP"; [ $? = 11 ] || { echo "first run"; exit 1; }
so=$(find cache -name opt.so); [ -n "$so" ] || { echo "no opt.so in cache"; exit 1; }
[ "$(stat -c %a cache/slight)" = 700 ] || { echo "cache dir not 0700"; exit 1; }
printf 'garbage' | dd of="$so" bs=1 seek=1000 conv=notrunc status=none
"$SLIGHT" run --tier=optimized "$APP" 2>err.txt; rc=$?
[ $rc = 11 ] || { echo "rc $rc after corruption"; cat err.txt; exit 1; }
grep -q "corrupt" err.txt || { echo "corruption not reported"; cat err.txt; exit 1; }
# translated C corrupted too: rebuilt for the baseline tier
gc=$(find cache -name g.c); printf 'int x = ;' >> "$gc"
"$SLIGHT" run --tier=baseline "$APP" 2>err.txt; rc=$?
[ $rc = 11 ] || { echo "rc $rc after C corruption"; cat err.txt; exit 1; }
