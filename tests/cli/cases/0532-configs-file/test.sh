# configs.file: KEY=value lines in the file named by CONFIGS_FILE (relative
# to the slightfile); set replaces the key's line or appends one, atomically,
# keeping comments and blank lines; keys with '=' and values with a line
# break are invalid-value.
set -eu
out=$("$SLIGHT" run "$APP" -- open files get greeting get empty get url get missing \
      set greeting hello get greeting set added 'v 1' get added set 'a=b' x set bad "$(printf 'x\ny')" \
      open fresh get k set k dv get k)
want="open files: handle 0
get greeting: 'from a file'
get empty: ''
get url: 'http://x/?a=b'
get missing: not-found: configs.file: key 'missing' not found in './conf/app.env'
set greeting: ok
get greeting: 'hello'
set added: ok
get added: 'v 1'
set a=b: invalid-value: configs.file: invalid key 'a=b': a key has no '=' or line break
set bad: invalid-value: configs.file: the value of 'bad' has a line break or a NUL byte
open fresh: handle 1
get k: not-found: configs.file: key 'k' not found in './new.env'
set k: ok
get k: 'dv'"
[ "$out" = "$want" ] || { echo "got:"; echo "$out"; exit 1; }
[ "$(cat conf/app.env)" = "# settings of the app
greeting=hello

empty=
url=http://x/?a=b
added=v 1" ] || { echo "file:"; cat conf/app.env; exit 1; }
[ "$(cat new.env)" = "k=dv" ]
[ "$(stat -c %a new.env)" = 600 ]
[ -z "$(find . -name '*.tmp.*')" ] || { echo "temp files left"; exit 1; }
# a slightfile named by a path: the file is beside it
mkdir sub && mv slightfile.toml conf sub/
out=$("$SLIGHT" -c sub/slightfile.toml run "$APP" -- open files get added)
[ "$out" = "open files: handle 0
get added: 'v 1'" ] || { echo "-c sub/: $out"; exit 1; }
# CONFIGS_FILE is required: a start-up error
printf 'specversion = "0.2"\n[[capability]]\nresource = "configs.file"\nname = "x"\n' > none.toml
if "$SLIGHT" -c none.toml run "$APP" -- open x 2> err.txt; then echo "ran without CONFIGS_FILE"; exit 1; fi
grep -q "configs.file needs config 'CONFIGS_FILE'" err.txt || { cat err.txt; exit 1; }
