#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Builds a libFuzzer target with clang (ASan + UBSan) and runs it.
#   tests/fuzz/run.sh wasm_reader|slightfile [libFuzzer options...]
# e.g. tests/fuzz/run.sh slightfile -max_total_time=60
# The corpus grows in build-fuzz/corpus/<target> (seeds: test fixtures).
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:?usage: tests/fuzz/run.sh wasm_reader|slightfile [libFuzzer options]}
shift
out=build-fuzz
mkdir -p "$out/corpus/$target"
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I. -Isrc -Isrc/common -Isrc/engine/rt -Ibuild -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0)
common=(src/common/err.c src/common/mem.c src/common/buf.c src/common/log.c src/common/fs.c
        src/common/utf8.c src/common/units.c src/common/strvec.c)
case "$target" in
wasm_reader)
  srcs=(tests/fuzz/fuzz_wasm_reader.c src/engine/wasm_reader.c "${common[@]}")
  libs=()
  seeds=(tests/reader tests/cli/cases) ;;
slightfile)
  # NDEBUG as in every build of slight: toml++ asserts on some inputs it then rejects cleanly
  clang++ -std=c++17 -c -O1 -g -DNDEBUG -fsanitize=fuzzer-no-link,address,undefined -Isrc -Isrc/common -I. \
    src/config/toml_bridge.cc -o "$out/toml_bridge.o"
  srcs=(tests/fuzz/fuzz_slightfile.c src/config/slightfile.c src/config/slightfile_read.c
        src/config/slightfile_ref.c src/config/slightfile_resources.c src/config/toml_tree.c
        "${common[@]}" "$out/toml_bridge.o")
  libs=(-ltomlplusplus -lstdc++)
  seeds=(tests/config tests/cli/cases) ;;
*) echo "unknown target '$target'" >&2; exit 2 ;;
esac
# C sources with clang, the link with clang++ (the TOML bridge is C++)
objs=()
for src in "${srcs[@]}"; do
  case "$src" in
  *.o) objs+=("$src") ;;
  *) o="$out/$(basename "$src" .c).o"
     clang -std=gnu11 -c "${flags[@]/-fsanitize=fuzzer,/-fsanitize=fuzzer-no-link,}" "$src" -o "$o"
     objs+=("$o") ;;
  esac
done
clang++ "${flags[@]}" "${objs[@]}" "${libs[@]}" -o "$out/fuzz_$target"
# seed the corpus with the fixtures of that kind
ext=$([ "$target" = slightfile ] && echo toml || echo wasm)
find "${seeds[@]}" -name "*.$ext" -exec cp -n {} "$out/corpus/$target/" \; 2>/dev/null || true
exec "$out/fuzz_$target" "$out/corpus/$target" "$@"
