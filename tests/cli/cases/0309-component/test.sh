set -u
printf '\0asm\r\0\1\0' > c.wasm
"$SLIGHT" run c.wasm 2>err.txt; rc=$?
[ $rc = 1 ] || { echo "exit status $rc"; exit 1; }
grep -q "c.wasm: is a WebAssembly component, not a core module" err.txt || { cat err.txt; exit 1; }
