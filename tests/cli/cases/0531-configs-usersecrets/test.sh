# configs.usersecrets: a value stored by `slight secret` is read back; set
# encrypts into the slightfile (comments kept) and a later run reads it; a
# missing entry is not-found. Plaintexts never land in the file.
set -eu
export HOME="$PWD/home" XDG_CONFIG_HOME="$PWD/config" TMPDIR="$PWD"
"$SLIGHT" secret -k TOKEN -v 'hunter2 with spaces'
out=$("$SLIGHT" run "$APP" -- open secrets get TOKEN get NOPE set NEWKEY s3cr3t-value \
      get NEWKEY set TOKEN changed-token get TOKEN)
want="open secrets: handle 0
get TOKEN: 'hunter2 with spaces'
get NOPE: not-found: configs.usersecrets: no [[secret_settings]] entry named 'NOPE' in slightfile.toml
set NEWKEY: ok
get NEWKEY: 's3cr3t-value'
set TOKEN: ok
get TOKEN: 'changed-token'"
[ "$out" = "$want" ] || { echo "got:"; echo "$out"; exit 1; }
! grep -q 'hunter2\|s3cr3t\|changed-token' slightfile.toml || { cat slightfile.toml; exit 1; }
grep -qx '# secrets of this app' slightfile.toml || { cat slightfile.toml; exit 1; }
[ "$(grep -c '^name = "TOKEN"$' slightfile.toml)" = 1 ] || { cat slightfile.toml; exit 1; }
[ "$(grep -c '^name = "NEWKEY"$' slightfile.toml)" = 1 ] || { cat slightfile.toml; exit 1; }
[ -z "$(find . -name '*.tmp.*')" ] || { echo "temp files left"; exit 1; }
# another run sees what the first one set
out=$("$SLIGHT" run "$APP" -- open secrets get NEWKEY)
[ "$out" = "open secrets: handle 0
get NEWKEY: 's3cr3t-value'" ] || { echo "second run: $out"; exit 1; }
# without the key file the secrets cannot be read: an error value, not a crash
rm -r config
out=$("$SLIGHT" run "$APP" -- open secrets get NEWKEY)
case "$out" in
*"get NEWKEY: unexpected-error: configs.usersecrets: secret 'NEWKEY': "*) ;;
*) echo "no key file: $out"; exit 1 ;;
esac
! grep -q 's3cr3t' <<<"$out"
