# An invalid or empty slightfile is an error (exit 1); the file is left alone.
set -u
export HOME="$PWD/home" XDG_CONFIG_HOME="$PWD/config" TMPDIR="$PWD"
cp slightfile.toml before.toml
"$SLIGHT" secret -k K -v topsecret 2> err.txt; rc=$?
[ $rc = 1 ] || { echo "rc $rc"; exit 1; }
grep -q 'slightfile.toml:3: unknown resource "keyvalue.redsi"' err.txt || { cat err.txt; exit 1; }
! grep -q topsecret err.txt
cmp -s slightfile.toml before.toml || { echo "file changed"; exit 1; }
[ ! -e config ] || { echo "a key was created for an invalid file"; exit 1; }
: > empty.toml
"$SLIGHT" secret -k K -v topsecret -c empty.toml 2> err.txt; rc=$?
[ $rc = 1 ] && grep -q 'specversion' err.txt || { cat err.txt; exit 1; }
[ ! -s empty.toml ]
