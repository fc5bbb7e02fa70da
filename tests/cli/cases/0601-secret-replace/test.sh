# A second secret with the same name replaces the value of the first entry only.
set -eu
export HOME="$PWD/home" XDG_CONFIG_HOME="$PWD/config" TMPDIR="$PWD"
"$SLIGHT" secret -k A -v one
first=$(grep -c '^\[\[secret_settings\]\]' slightfile.toml)
v1=$(sed -n 5p slightfile.toml)
"$SLIGHT" secret --key=A --value=two
v2=$(sed -n 5p slightfile.toml)
[ "$first" = 2 ] && [ "$(grep -c '^\[\[secret_settings\]\]' slightfile.toml)" = 2 ] || { cat slightfile.toml; exit 1; }
case "$v1" in 'value = "slight1:'*'"   # replaced in place') ;; *) echo "bad line: $v1"; exit 1;; esac
case "$v2" in 'value = "slight1:'*'"   # replaced in place') ;; *) echo "bad line: $v2"; exit 1;; esac
[ "$v1" != "$v2" ] || { echo "value not replaced"; exit 1; }
grep -qx 'value = "untouched"' slightfile.toml
! grep -q secret_store slightfile.toml
