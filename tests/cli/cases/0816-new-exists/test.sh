# `new` refuses to overwrite an existing directory (exit 1) and leaves it alone.
set -eu
mkdir app && echo keep > app/file
rc=0; "$SLIGHT" new -n app@v0.5.1 c 2>err || rc=$?
[ "$rc" = 1 ] || { echo "exit $rc"; exit 1; }
grep -q "cannot create directory app: it already exists" err
[ "$(ls app)" = file ]
