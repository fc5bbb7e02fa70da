# A missing -v or -k, or a stray word, is a usage error (exit 2) that never echoes the words.
set -u
export HOME="$PWD/home" XDG_CONFIG_HOME="$PWD/config" TMPDIR="$PWD"
"$SLIGHT" secret -k K 2> err.txt; rc=$?
[ $rc = 2 ] || { echo "rc $rc"; exit 1; }
grep -q 'needs -v VALUE' err.txt || { cat err.txt; exit 1; }
"$SLIGHT" secret -v mysecretvalue 2> err.txt; rc=$?
[ $rc = 2 ] && grep -q 'needs -k KEY' err.txt && ! grep -q mysecretvalue err.txt || { cat err.txt; exit 1; }
"$SLIGHT" secret -k K mysecretvalue 2> err.txt; rc=$?
[ $rc = 2 ] && ! grep -q mysecretvalue err.txt || { cat err.txt; exit 1; }
"$SLIGHT" secret -k K -v 2> err.txt; rc=$?
[ $rc = 2 ] || exit 1
[ ! -e slightfile.toml ] && [ ! -e config ] || { echo "files were created"; exit 1; }
"$SLIGHT" secret --help > out.txt || exit 1
grep -q 'usage: slight secret -k KEY -v VALUE' out.txt
