# A missing slightfile is created (specversion "0.2"); HOME is used when XDG_CONFIG_HOME is unset.
set -eu
unset XDG_CONFIG_HOME
export HOME="$PWD/home" TMPDIR="$PWD"
"$SLIGHT" -c new.toml secret -k K -v v
[ "$(head -n 4 new.toml)" = 'specversion = "0.2"

[[secret_settings]]
name = "K"' ] || { cat new.toml; exit 1; }
[ "$(stat -c %a home/.config/slight/key)" = 600 ]
# The key is made once and kept.
k1=$(cat home/.config/slight/key)
"$SLIGHT" secret -k L -v w -c new.toml
[ "$k1" = "$(cat home/.config/slight/key)" ]
[ "$(grep -c '^\[\[secret_settings\]\]' new.toml)" = 2 ]
