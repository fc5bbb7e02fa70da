set -u
export XDG_CACHE_HOME="$PWD/cache"
# a module that exits with 3, then the same size exiting with 4
printf '(module (import "wasi_snapshot_preview1" "proc_exit" (func $e (param i32))) (func (export "_start") (call $e (i32.const 3))))' > a.wat
printf '(module (import "wasi_snapshot_preview1" "proc_exit" (func $e (param i32))) (func (export "_start") (call $e (i32.const 4))))' > b.wat
wat2wasm a.wat -o app.wasm && wat2wasm b.wat -o b.wasm || exit 1
[ "$(stat -c %s app.wasm)" = "$(stat -c %s b.wasm)" ] || { echo "sizes differ"; exit 1; }
touch -d '-1 minute' app.wasm; sleep 2.2 # ctime must be older than 2 s for the memo
"$SLIGHT" run --tier=baseline app.wasm; [ $? = 3 ] || { echo "first run"; exit 1; }
SLIGHT_LOG=debug "$SLIGHT" run --tier=baseline app.wasm 2>err.txt; [ $? = 3 ] || exit 1
grep -q "file-identity memo" err.txt || { echo "memo not used"; cat err.txt; exit 1; }
# same size, mtime set back: the content changed, ctime did not stay: never the old key
cp b.wasm app.wasm; touch -d '-1 minute' app.wasm
"$SLIGHT" run --tier=baseline app.wasm; rc=$?
[ $rc = 4 ] || { echo "stale key used: exit $rc"; exit 1; }
