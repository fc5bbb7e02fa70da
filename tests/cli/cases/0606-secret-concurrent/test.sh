# Concurrent 'slight secret' runs on one file: every entry lands, the file stays valid.
set -u
export HOME="$PWD/home" XDG_CONFIG_HOME="$PWD/config" TMPDIR="$PWD"
printf 'specversion = "0.1"\n# shared file\n' > slightfile.toml
pids=""
for i in 1 2 3 4 5 6 7 8; do
    "$SLIGHT" secret -k "K$i" -v "v$i" & pids="$pids $!"
done
for p in $pids; do wait "$p" || { echo "a writer failed"; exit 1; }; done
[ "$(grep -c '^\[\[secret_settings\]\]' slightfile.toml)" = 8 ] || { cat slightfile.toml; exit 1; }
[ "$(grep -c '^secret_store = "configs.usersecrets"$' slightfile.toml)" = 1 ] || { cat slightfile.toml; exit 1; }
for i in 1 2 3 4 5 6 7 8; do grep -qx "name = \"K$i\"" slightfile.toml || exit 1; done
[ "$(ls config/slight)" = key ] || { ls -la config/slight; exit 1; }
[ -z "$(find . -name '*.tmp.*')" ] || { echo "temp files left"; exit 1; }
