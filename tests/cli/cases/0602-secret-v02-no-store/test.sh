# v0.2: no secret_store is added; -c may follow the subcommand.
set -eu
export HOME="$PWD/home" XDG_CONFIG_HOME="$PWD/config" TMPDIR="$PWD"
mv slightfile.toml app.toml
"$SLIGHT" secret -k K -v v -c app.toml
! grep -q secret_store app.toml || { cat app.toml; exit 1; }
head -n 5 app.toml | cmp -s - <(printf 'specversion = "0.2"\n# no trailing newline after the capability\n[[capability]]\nresource = "keyvalue.filesystem"\nname = "store"\n') || { cat app.toml; exit 1; }
[ "$(sed -n 7,8p app.toml)" = '[[secret_settings]]
name = "K"' ] || { cat app.toml; exit 1; }
[ ! -e slightfile.toml ]
