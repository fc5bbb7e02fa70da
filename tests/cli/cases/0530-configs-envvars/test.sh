# configs.envvars: get reads slight's environment, set is seen by later gets
# (and by another handle), a missing variable is not-found, an empty key
# invalid-value, an undeclared name an unexpected-error value.
set -eu
export CFG_GREETING="hello there"
unset CFG_MISSING CFG_NEW || true
out=$("$SLIGHT" run "$APP" -- open env get CFG_GREETING get CFG_MISSING set CFG_NEW v1 \
      get CFG_NEW set CFG_GREETING bye get CFG_GREETING get '' set 'A=B' x \
      open env get CFG_NEW open nope)
want="open env: handle 0
get CFG_GREETING: 'hello there'
get CFG_MISSING: not-found: configs.envvars: environment variable 'CFG_MISSING' is not set
set CFG_NEW: ok
get CFG_NEW: 'v1'
set CFG_GREETING: ok
get CFG_GREETING: 'bye'
get : invalid-value: configs.envvars: the key is empty
set A=B: invalid-value: configs.envvars: the name 'A=B' contains '='
open env: handle 1
get CFG_NEW: 'v1'
open nope: unexpected-error: no configs capability named 'nope' in slightfile.toml"
[ "$out" = "$want" ] || { echo "got:"; echo "$out"; exit 1; }
