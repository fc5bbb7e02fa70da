# Re-running `add` deletes and recreates the directory: stray files and directories are gone,
# a changed file is restored, and a symbolic link inside is removed without following it.
set -eu
WIT="$CASE/../../../../wit"
"$SLIGHT" add keyvalue@v0.5.1
mkdir -p keyvalue_0.5.1/sub/deeper outside
echo stray > keyvalue_0.5.1/stray.txt
echo stray > keyvalue_0.5.1/sub/deeper/x
echo keep > outside/keep
ln -s ../outside keyvalue_0.5.1/link
echo changed > keyvalue_0.5.1/keyvalue.wit
"$SLIGHT" add keyvalue@v0.5.1
[ "$(ls -A keyvalue_0.5.1)" = keyvalue.wit ] || { ls -laR keyvalue_0.5.1; exit 1; }
cmp keyvalue_0.5.1/keyvalue.wit "$WIT/keyvalue.wit"
[ "$(cat outside/keep)" = keep ]
# A file where the directory should be is an I/O error (status 1), left in place.
echo file > configs_0.5.1
set +e
"$SLIGHT" add configs@v0.5.1 2>err.txt
rc=$?
set -e
[ "$rc" = 1 ] || { echo "status $rc"; cat err.txt; exit 1; }
grep -q "configs_0.5.1: exists and is not a directory" err.txt || { cat err.txt; exit 1; }
[ "$(cat configs_0.5.1)" = file ]
