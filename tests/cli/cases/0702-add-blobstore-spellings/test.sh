# Both spellings of the blob store work; the directory uses the name as given.
set -eu
WIT="$CASE/../../../../wit"
for n in blobstore blob-store; do
    "$SLIGHT" add "$n@v0.5.1"
    [ "$(ls "${n}_0.5.1" | tr '\n' ' ')" = "blob-store.wit blob-types.wit " ] \
      || { ls -la "${n}_0.5.1"; exit 1; }
    cmp "${n}_0.5.1/blob-store.wit" "$WIT/blob-store.wit"
    cmp "${n}_0.5.1/blob-types.wit" "$WIT/blob-types.wit"
done
