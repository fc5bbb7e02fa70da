# Every interface writes exactly the files SLIGHT-SPEC §1.7 lists, each identical to wit/.
set -eu
WIT="$CASE/../../../../wit"
check() {
    local name=$1; shift
    "$SLIGHT" add "$name@v0.5.1"
    local want got
    want=$(printf '%s.wit\n' "$@" | sort | tr '\n' ' ')
    got=$(ls "${name}_0.5.1" | tr '\n' ' ')
    [ "$want" = "$got" ] || { echo "$name: got '$got', want '$want'"; exit 1; }
    for f in "$@"; do cmp "${name}_0.5.1/$f.wit" "$WIT/$f.wit"; done
}
check keyvalue keyvalue
check configs configs
check http-server http-server http-server-export http-handler http-types
check http-client http-types http-client
check distributed-locking distributed-locking
check messaging messaging
check sql sql
check blobstore blob-store blob-types
check blob-store blob-store blob-types
# Nothing else was written.
[ "$(ls | wc -l)" = 9 ] || { ls; exit 1; }
