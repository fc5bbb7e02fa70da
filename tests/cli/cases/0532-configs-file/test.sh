# configs.file: one file per key under CONFIGS_DIR (relative to the
# slightfile) or .slight/configs; set writes atomically and creates the
# directory; a key that is not a single file name is invalid-value.
set -eu
out=$("$SLIGHT" run "$APP" -- open files get greeting get missing set new 'v 1' get new \
      get ../secret.txt set ../escape x get .. set . x set a/b x \
      open default set k dv get k get greeting)
want="open files: handle 0
get greeting: 'from a file
'
get missing: not-found: configs.file: key 'missing' not found in './cfgdir'
set new: ok
get new: 'v 1'
get ../secret.txt: invalid-value: configs.file: invalid key '../secret.txt': a key is a file name, without '/' and not '.' or '..'
set ../escape: invalid-value: configs.file: invalid key '../escape': a key is a file name, without '/' and not '.' or '..'
get ..: invalid-value: configs.file: invalid key '..': a key is a file name, without '/' and not '.' or '..'
set .: invalid-value: configs.file: invalid key '.': a key is a file name, without '/' and not '.' or '..'
set a/b: invalid-value: configs.file: invalid key 'a/b': a key is a file name, without '/' and not '.' or '..'
open default: handle 1
set k: ok
get k: 'dv'
get greeting: not-found: configs.file: key 'greeting' not found in './.slight/configs'"
[ "$out" = "$want" ] || { echo "got:"; echo "$out"; exit 1; }
[ "$(cat cfgdir/new)" = "v 1" ]
[ "$(cat .slight/configs/k)" = dv ]
[ "$(stat -c %a .slight/configs/k)" = 600 ]
[ ! -e escape ] && [ ! -e ../escape ]
[ -z "$(find . -name '*.tmp.*')" ] || { echo "temp files left"; exit 1; }
# a slightfile named by a path: the directory is beside it
mkdir sub && mv slightfile.toml cfgdir sub/
out=$("$SLIGHT" -c sub/slightfile.toml run "$APP" -- open files get new)
[ "$out" = "open files: handle 0
get new: 'v 1'" ] || { echo "-c sub/: $out"; exit 1; }
