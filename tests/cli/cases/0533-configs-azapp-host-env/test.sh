# configs.azapp takes its connection only from the host variables
# AZAPPCONFIG_*: a missing one is an error value at open naming it, a secret
# that is not base64 is refused at open without being shown, and a service
# that does not answer gives io-error after slight's 3 attempts. Without the
# slight-cloud module (no libcurl) the slightfile is refused at start-up.
set -eu
unset AZAPPCONFIG_ENDPOINT AZAPPCONFIG_KEYID AZAPPCONFIG_KEYSECRET || true
if ! [ -e "$(dirname "$SLIGHT")/slight-cloud.so" ]; then
    out=$("$SLIGHT" run "$APP" -- open remote 2>&1) && exit 1
    case "$out" in *"configs.azapp is not built in (needs "*) ;; *) echo "$out"; exit 1 ;; esac
    echo "slight-cloud is not built: only the start-up error was checked"
    exit 77
fi
out=$("$SLIGHT" run "$APP" -- open remote)
want="open remote: unexpected-error: configs.azapp: the host environment variable AZAPPCONFIG_ENDPOINT is not set (the connection comes from AZAPPCONFIG_ENDPOINT, AZAPPCONFIG_KEYID and AZAPPCONFIG_KEYSECRET)"
[ "$out" = "$want" ] || { echo "got:"; echo "$out"; exit 1; }
export AZAPPCONFIG_ENDPOINT=http://127.0.0.1:1 AZAPPCONFIG_KEYID=id-1
out=$("$SLIGHT" run "$APP" -- open remote)
case "$out" in *"AZAPPCONFIG_KEYSECRET is not set"*) ;; *) echo "$out"; exit 1 ;; esac
export AZAPPCONFIG_KEYSECRET='s3cret!not-base64'
out=$("$SLIGHT" run "$APP" -- open remote)
want="open remote: unexpected-error: configs.azapp: AZAPPCONFIG_KEYSECRET: the access key secret is not valid base64"
[ "$out" = "$want" ] || { echo "got:"; echo "$out"; exit 1; }
export AZAPPCONFIG_ENDPOINT=https://example.azconfig.io/some/path AZAPPCONFIG_KEYSECRET=c2VjcmV0
out=$("$SLIGHT" run "$APP" -- open remote)
case "$out" in *"AZAPPCONFIG_ENDPOINT: the endpoint 'https://example.azconfig.io/some/path' is not"*) ;;
*) echo "$out"; exit 1 ;; esac
# nothing listens on port 1: three refused connections, then io-error
export AZAPPCONFIG_ENDPOINT=http://127.0.0.1:1/
out=$("$SLIGHT" run "$APP" -- open remote get greeting set greeting hi)
case "$out" in
"open remote: handle 0
get greeting: io-error: configs.azapp: failed to get 'greeting': maximum number of retries reached: "*"
set greeting: io-error: configs.azapp: failed to set 'greeting': maximum number of retries reached: "*) ;;
*) echo "got:"; echo "$out"; exit 1 ;;
esac
! grep -q 'c2VjcmV0' <<<"$out"
# ${azapp.KEY} references are read from the service at start-up: a failure
# stops the run (exit 1) naming the file, line, capability and key
printf 'specversion = "0.2"\n\n[[capability]]\nresource = "keyvalue.filesystem"\nname = "s"\n    [capability.configs]\n    BASE_DIR = "${azapp.data-dir}"\n' > ref.toml
rc=0; out=$("$SLIGHT" -c ref.toml run "$APP" 2>&1) || rc=$?
[ "$rc" = 1 ] || { echo "rc $rc: $out"; exit 1; }
case "$out" in
*'ref.toml:7: keyvalue.filesystem config BASE_DIR = "${azapp.data-dir}": configs.azapp: failed to get '\''data-dir'\'': maximum number of retries reached'*) ;;
*) echo "ref got:"; echo "$out"; exit 1 ;;
esac
! grep -q 'c2VjcmV0' <<<"$out"
