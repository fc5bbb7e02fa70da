set -u
echo hello > x.wasm
"$SLIGHT" run x.wasm 2>err.txt; rc=$?
[ $rc = 1 ] || { echo "exit status $rc"; exit 1; }
grep -q "x.wasm: " err.txt && grep -q "not a WebAssembly module" err.txt || { cat err.txt; exit 1; }
