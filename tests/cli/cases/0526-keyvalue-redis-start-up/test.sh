# keyvalue.redis start-up errors: REDIS_ADDRESS missing; the slight-redis
# module missing (a copy of slight without it beside); a build without
# hiredis says "not built in (needs hiredis)" in both cases.
fail() { echo "$*" >&2; exit 1; }
printf '(module (func (export "_start")))' > app.wat
wat2wasm app.wat -o app.wasm || fail "wat2wasm failed"
bindir=$(dirname "$SLIGHT")
if [ -e "$bindir/slight-redis.so" ]; then
  want_missing="slightfile.toml:3: keyvalue.redis needs config 'REDIS_ADDRESS' in [capability.configs]"
  want_module="keyvalue.redis is not built in (needs the slight-redis module of this slight"
else
  want_missing="keyvalue.redis is not built in (needs hiredis)"
  want_module=$want_missing
fi
err=$("$SLIGHT" run app.wasm 2>&1) && fail "REDIS_ADDRESS missing: slight run succeeded"
case "$err" in *"$want_missing"*) ;; *) fail "REDIS_ADDRESS missing: $err" ;; esac

mkdir bin && cp "$SLIGHT" bin/ && cp "$bindir/slight-toml.so" bin/ || fail "copy failed"
printf '\nREDIS_ADDRESS = "redis://127.0.0.1:1"\n' >> slightfile.toml
err=$(bin/slight run app.wasm 2>&1) && fail "module missing: slight run succeeded"
case "$err" in *"$want_module"*) ;; *) fail "module missing: $err" ;; esac
[ -e "$bindir/slight-redis.so" ] || exit 0
case "$err" in *"'$PWD/bin/slight-redis.so'"*) ;; *) fail "module path not named: $err" ;; esac
