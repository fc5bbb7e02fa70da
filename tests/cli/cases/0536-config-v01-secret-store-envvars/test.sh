# v0.1: the backend's config key (keyvalue.filesystem's BASE_DIR) comes from
# the secret_store, here the environment; any open name resolves to the one
# keyvalue capability (SLIGHT-SPEC §2.6 rule 2, §2.7).
set -eu
export BASE_DIR="$PWD/from-env"
out=$("$SLIGHT" run "$APP" -- any-name)
[ "$out" = "any-name: k = 'v'" ] || { echo "got: $out"; exit 1; }
[ -n "$(find from-env -type f)" ] || { echo "nothing under BASE_DIR"; find .; exit 1; }
# without the variable the key is absent and the backend's default applies ($TMPDIR)
unset BASE_DIR
mkdir tmpdef
out=$(TMPDIR="$PWD/tmpdef" "$SLIGHT" run "$APP" -- other-name)
[ "$out" = "other-name: k = 'v'" ] || { echo "got: $out"; exit 1; }
[ -n "$(find tmpdef -type f)" ] || { echo "nothing under TMPDIR"; find .; exit 1; }
