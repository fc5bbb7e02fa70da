set -u
export XDG_CACHE_HOME="$PWD/cache"
"$SLIGHT" compile "$APP" & a=$!
"$SLIGHT" compile "$APP" & b=$!
"$SLIGHT" run --tier=optimized "$APP" > out3.txt & c=$!
wait $a || { echo "compile A failed"; exit 1; }
wait $b || { echo "compile B failed"; exit 1; }
wait $c || { echo "run failed"; exit 1; }
[ "$(cat out3.txt)" = ok ] || exit 1
[ "$(find cache -name 'opt.so' | wc -l)" = 1 ] || { echo "expected one opt.so"; exit 1; }
[ -z "$(find cache -name '*.tmp.*')" ] || { echo "temp files left"; exit 1; }
out=$("$SLIGHT" run "$APP"); [ "$out" = ok ]
