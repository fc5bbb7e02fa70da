set -eu
"$SLIGHT" compile "$APP" -o app.slightc
out=$("$SLIGHT" run app.slightc)
[ "$out" = "from the artifact" ]
# a flipped byte is detected, not run
cp app.slightc bad.slightc
printf 'X' | dd of=bad.slightc bs=1 seek=300 conv=notrunc status=none
if "$SLIGHT" run bad.slightc 2>err.txt; then echo "corrupt artifact ran"; exit 1; fi
grep -q "artifact is corrupt" err.txt
head -c 100 app.slightc > short.slightc
if "$SLIGHT" run short.slightc 2>err.txt; then exit 1; fi
grep -q "truncated artifact" err.txt
