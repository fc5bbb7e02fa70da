#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The keyvalue conformance guest over every backend, changing only the
# slightfile; then two copies at once on the persistent backends. TAP.
#   run_guest.sh SLIGHT GUEST.wasm
# Server backends run when their test server's address is set
# (tools/services.sh): SLIGHT_TEST_REDIS, SLIGHT_TEST_AZURITE_CONNSTR,
# SLIGHT_TEST_DYNAMODB_ENDPOINT; under CI=true a missing one fails.
set -u
slight=$1 guest=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/slight-kvguest.XXXXXX")
trap 'rm -rf "$work"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; sed 's/^/# /' "$work/out" | head -20; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

slightfile() { # resource, then config lines
  local f=$work/$1.toml res=$1; shift
  { echo 'specversion = "0.2"'; echo '[[capability]]'; echo "resource = \"$res\""
    echo 'name = "*"'; echo '[capability.configs]'; for c in "$@"; do echo "$c"; done; } > "$f"
  echo "$f"
}

run_backend() { # name, slightfile, parallel?, big value size
  local name=$1 sf=$2 par=$3 big=${4:-1048576}
  if "$slight" -c "$sf" run "$guest" -- "kvc-$$" "$big" > "$work/out" 2>&1 && grep -qx ok "$work/out"; then
    ok "$name"
  else
    notok "$name"
  fi
  [ "$par" = yes ] || return 0
  "$slight" -c "$sf" run "$guest" -- "kvc-a-$$" "$big" > "$work/out.a" 2>&1 & local pa=$!
  "$slight" -c "$sf" run "$guest" -- "kvc-b-$$" "$big" > "$work/out.b" 2>&1 & local pb=$!
  wait $pa; local ra=$?; wait $pb; local rb=$?
  cat "$work/out.a" "$work/out.b" > "$work/out"
  if [ $ra = 0 ] && [ $rb = 0 ]; then ok "$name: two processes at once"; else notok "$name: two processes at once"; fi
}

server_backend() { # name, env var, big value size, slightfile args...
  local name=$1 var=$2 big=$3; shift 3
  if [ -z "${!var:-}" ]; then
    if [ "${CI:-}" = true ]; then n=$((n + 1)); failed=1; echo "not ok $n - $name # $var is not set"
    else skip "$name" "$var is not set (tools/services.sh start)"; fi
    return
  fi
  run_backend "$name" "$(slightfile "$@")" yes "$big"
}

run_backend keyvalue.memory "$(slightfile keyvalue.memory)" no
run_backend keyvalue.filesystem "$(slightfile keyvalue.filesystem "BASE_DIR = \"$work/fs\"")" yes
run_backend keyvalue.sqlite "$(slightfile keyvalue.sqlite "SQLITE_PATH = \"$work/kv.db\"")" yes
server_backend keyvalue.redis SLIGHT_TEST_REDIS 1048576 keyvalue.redis 'REDIS_ADDRESS = "${envvars.SLIGHT_TEST_REDIS}"'
server_backend keyvalue.azblob SLIGHT_TEST_AZURITE_CONNSTR 1048576 keyvalue.azblob \
  'AZURE_STORAGE_CONNECTION_STRING = "${envvars.SLIGHT_TEST_AZURITE_CONNSTR}"'
# DynamoDB items hold at most 400 KB
server_backend keyvalue.awsdynamodb SLIGHT_TEST_DYNAMODB_ENDPOINT 300000 keyvalue.awsdynamodb \
  'AWS_ENDPOINT_URL = "${envvars.SLIGHT_TEST_DYNAMODB_ENDPOINT}"' 'AWS_REGION = "us-east-1"' \
  'AWS_ACCESS_KEY_ID = "local"' 'AWS_SECRET_ACCESS_KEY = "local"'
echo "1..$n"
exit $failed
