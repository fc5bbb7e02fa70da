# `bindgen c keyvalue.wit -o out` writes out/keyvalue.{h,c}, equal to witgen's golden bindings.
set -eu
ROOT="$CASE/../../../.."
mkdir out
"$SLIGHT" bindgen c "$ROOT/wit/keyvalue.wit" -o out
[ "$(ls out | tr '\n' ' ')" = "keyvalue.c keyvalue.h " ] || { ls -la out; exit 1; }
cmp out/keyvalue.h "$ROOT/tools/witgen/tests/expected/guest/keyvalue.h"
cmp out/keyvalue.c "$ROOT/tools/witgen/tests/expected/guest/keyvalue.c"
