# v0.1: secret_store is set, an entry is appended, comments and layout stay.
set -eu
export HOME="$PWD/home" XDG_CONFIG_HOME="$PWD/config" TMPDIR="$PWD"
cp slightfile.toml before.toml
"$SLIGHT" secret -k TOKEN -v 'hunter2 with spaces'
want='# An app in the old format.
specversion = "0.1"  # keep this comment
secret_store = "configs.usersecrets"

[[capability]]
name = "kv.filesystem"   # data goes to a directory

[[secret_settings]]
name = "TOKEN"'
got=$(head -n 9 slightfile.toml)
[ "$got" = "$want" ] || { echo "unexpected file:"; cat slightfile.toml; exit 1; }
[ "$(wc -l < slightfile.toml)" = 10 ] || { cat slightfile.toml; exit 1; }
grep -Eq '^value = "slight1:[A-Za-z0-9_-]+"$' slightfile.toml || { cat slightfile.toml; exit 1; }
! grep -q hunter2 slightfile.toml
[ "$(stat -c %a config/slight/key)" = 600 ] || { echo "key mode"; exit 1; }
[ "$(stat -c %a config/slight)" = 700 ] || { echo "key dir mode"; exit 1; }
[ ! -e home ] || { echo "HOME used although XDG_CONFIG_HOME is set"; exit 1; }
[ -z "$(find . -name '*.tmp.*')" ] || { echo "temp files left"; exit 1; }
