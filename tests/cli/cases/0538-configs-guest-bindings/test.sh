# A guest built from our generated C bindings (slight bindgen c, not raw
# imports): examples/configs reads configs.envvars, configs.file (and writes
# its run count back) and configs.usersecrets, with a secret stored by
# `slight secret` under a key file in this scratch dir. Two runs: the file
# store keeps the count, the secret never reaches the slightfile in clear.
set -eu
root=$(cd "$(cd "$CASE" && pwd -P)/../../../.." && pwd)
command -v clang >/dev/null || { echo "clang is not installed"; exit 77; }
cp "$root/examples/configs/slightfile.toml" "$root/examples/configs/settings.env" .
mkdir bindings
"$SLIGHT" bindgen c "$root/wit/configs.wit" -o bindings
[ -f bindings/configs.h ] && [ -f bindings/configs.c ]
clang --target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -Werror -I bindings \
      "$root/examples/configs/main.c" bindings/configs.c -o guest.wasm
export HOME="$PWD/home" XDG_CONFIG_HOME="$PWD/config" TMPDIR="$PWD"
export CFGDEMO_GREETING="hello from the host"
"$SLIGHT" -c slightfile.toml secret -k api-token -v 'tok-12345 secret'
[ "$(stat -c %a config/slight/key)" = 600 ]
! grep -q 'tok-12345' slightfile.toml
for run in 1 2; do
    out=$("$SLIGHT" -c slightfile.toml run guest.wasm)
    want="greeting (configs.envvars): hello from the host
color (configs.file): teal
runs (configs.file, written back): $run
api-token (configs.usersecrets): 16 characters, starts with 'tok'
secrets no-such-secret: not-found: configs.usersecrets: no [[secret_settings]] entry named 'no-such-secret' in slightfile.toml"
    [ "$out" = "$want" ] || { echo "run $run got:"; echo "$out"; exit 1; }
done
grep -qx 'runs=2' settings.env
grep -qx 'color=teal' settings.env
# a missing variable is an error value the guest prints; the run goes on
unset CFGDEMO_GREETING
out=$("$SLIGHT" -c slightfile.toml run guest.wasm)
case "$out" in
"env CFGDEMO_GREETING: not-found: configs.envvars: environment variable 'CFGDEMO_GREETING' is not set
color (configs.file): teal
runs (configs.file, written back): 3"*) ;;
*) echo "unset got:"; echo "$out"; exit 1 ;;
esac
