# `new -n app@v0.5.1 c` creates a project that `make` builds into app.wasm, offline,
# and that `slight run` runs at once.
set -eu
ROOT="$CASE/../../../.."
"$SLIGHT" new -n app@v0.5.1 c
for f in Makefile main.c README.md slightfile.toml bindings/keyvalue.h bindings/keyvalue.c \
         wit/keyvalue_0.5.1/keyvalue.wit; do
    [ -f "app/$f" ] || { echo "missing app/$f"; exit 1; }
done
cmp app/wit/keyvalue_0.5.1/keyvalue.wit "$ROOT/wit/keyvalue.wit"
cmp app/bindings/keyvalue.h "$ROOT/tools/witgen/tests/expected/guest/keyvalue.h"
! grep -r '{{' app
grep -q 'resource = "keyvalue.filesystem"' app/slightfile.toml
make -C app
[ -s app/app.wasm ]
# ... and runs at once with `slight run` (keyvalue.filesystem, BASE_DIR in the scratch dir)
(cd app && TMPDIR="$PWD" "$SLIGHT" run ${TIER:+--tier=$TIER} app.wasm) > run.out
grep -qx 'Hello, SpiderLightning!' run.out
[ -f app/my-container/hello-spiderlightning ]
