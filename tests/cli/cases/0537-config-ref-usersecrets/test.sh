# ${usersecrets.KEY} in [capability.configs] is decrypted at start-up: a
# `slight secret` value becomes keyvalue.filesystem's BASE_DIR; before it
# exists, the run stops at start-up naming the key.
set -eu
export HOME="$PWD/home" XDG_CONFIG_HOME="$PWD/config" TMPDIR="$PWD"
set +e
err=$("$SLIGHT" run "$APP" -- store 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" = 1 ] || { echo "rc $rc: $err"; exit 1; }
grep -q "slightfile.toml:7: keyvalue.filesystem config BASE_DIR = \"\${usersecrets.KV_DIR}\": no \[\[secret_settings\]\] entry named 'KV_DIR'" <<<"$err" || { echo "$err"; exit 1; }
"$SLIGHT" secret -k KV_DIR -v kv-from-secret
out=$("$SLIGHT" run "$APP" -- store)
[ "$out" = "store: k = 'v'" ] || { echo "got: $out"; exit 1; }
[ -n "$(find kv-from-secret -type f)" ] || { find .; exit 1; }
