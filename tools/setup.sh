#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# setup.sh -- the two commands of the README.
#   tools/setup.sh demo   install what is missing, build, run the demo
#   tools/setup.sh test   install, build (release and ASan+UBSan), start the
#                         services the tests need, run every suite on both
#                         builds, and end with one line "N passed, N failed"
# Idempotent: installed packages and configured builds are reused.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
MODE=${1:-}
JOBS=${JOBS:-$(nproc)}

# Debian packages: build, engine at run time, guest toolchain, tests.
PKGS_BUILD="meson ninja-build pkg-config gcc g++ python3 libsodium-dev libtcc-dev tcc wabt
  libtomlplusplus-dev libcjson-dev libsqlite3-dev libh2o-evloop-dev"
PKGS_GUEST="clang lld wasi-libc libclang-rt-14-dev-wasm32"
PKGS_TEST="libcriterion-dev curl redis-server redis-tools libhiredis-dev libcurl4-openssl-dev
  mosquitto mosquitto-clients libmosquitto-dev nats-server libnats-dev rabbitmq-server amqp-tools
  librabbitmq-dev librdkafka-dev kcat wrk"
# Azurite and dynalite come from npm (tools/services.sh); a NodeSource nodejs
# brings its own npm and conflicts with Debian's npm package.
command -v npm >/dev/null 2>&1 || PKGS_TEST="$PKGS_TEST nodejs npm"

log() { printf '\n== %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} = 0 ] && return 0
  log "installing ${missing[*]}"
  as_root apt-get update -qq || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

configure() { # DIR ARGS...
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@" >/dev/null
  fi
}

build_release() { # extra meson options...
  configure build --buildtype=release -Dwerror=false "$@" && meson compile -C build -j "$JOBS" >/dev/null
}

demo() {
  install_packages $PKGS_BUILD $PKGS_GUEST curl || { echo "slight: package installation failed" >&2; exit 1; }
  log "building slight"
  build_release || exit 1
  log "building the demo guest (examples/hello)"
  clang --target=wasm32-wasi --sysroot=/usr -O2 examples/hello/hello.c -o build/hello.wasm || exit 1
  log "running: build/slight run build/hello.wasm --dir /tmp:. --env WHO=world -- one two"
  build/slight run build/hello.wasm --dir /tmp:. --env WHO=world -- one two || exit 1
  log "building the keyvalue demo (examples/keyvalue) against generated C bindings"
  rm -rf build/kvdemo && mkdir -p build/kvdemo || exit 1
  build/tools/witgen/witgen guest-c wit/keyvalue.wit build/kvdemo/keyvalue.h build/kvdemo/keyvalue.c || exit 1
  clang --target=wasm32-wasi --sysroot=/usr -O2 -I build/kvdemo examples/keyvalue/main.c \
    build/kvdemo/keyvalue.c -o build/kvdemo/app.wasm || exit 1
  cp examples/keyvalue/slightfile.toml build/kvdemo/ || exit 1
  log "running it twice: the store (keyvalue.sqlite) keeps the count"
  build/slight -c build/kvdemo/slightfile.toml run build/kvdemo/app.wasm || exit 1
  build/slight -c build/kvdemo/slightfile.toml run build/kvdemo/app.wasm || exit 1
  configs_demo || exit 1
  messaging_demo || exit 1
  http_demo
}

# The messaging demo (examples/messaging): publish, subscribe and receive on
# messaging.memory, with a running total in keyvalue.filesystem.
messaging_demo() {
  log "building the messaging demo (examples/messaging): a topic, its subscriber, a tally"
  local b=build/msgdemo w
  rm -rf "$b" && mkdir -p "$b" || return 1
  for w in messaging keyvalue; do
    build/tools/witgen/witgen guest-c "wit/$w.wit" "$b/$w.h" "$b/$w.c" || return 1
  done
  clang --target=wasm32-wasi --sysroot=/usr -O2 -I "$b" examples/messaging/main.c \
    "$b/messaging.c" "$b/keyvalue.c" -o "$b/app.wasm" || return 1
  cp examples/messaging/slightfile.toml "$b/" || return 1
  log "running it: three orders published, received in order, counted in the store"
  build/slight -c "$b/slightfile.toml" run "$b/app.wasm"
}

# The configs demo (examples/configs): a config value from the environment
# and a settings file, and a secret stored with `slight secret` under a
# demo-only key (XDG_CONFIG_HOME in build/cfgdemo, not the user's).
configs_demo() {
  log "building the configs demo (examples/configs) against generated C bindings"
  local b=build/cfgdemo
  rm -rf "$b" && mkdir -p "$b" || return 1
  build/tools/witgen/witgen guest-c wit/configs.wit "$b/configs.h" "$b/configs.c" || return 1
  clang --target=wasm32-wasi --sysroot=/usr -O2 -I "$b" examples/configs/main.c "$b/configs.c" \
    -o "$b/app.wasm" || return 1
  cp examples/configs/slightfile.toml examples/configs/settings.env "$b/" || return 1
  log "storing a secret: build/slight -c $b/slightfile.toml secret -k api-token -v ..."
  XDG_CONFIG_HOME="$PWD/$b/config" \
    build/slight -c "$b/slightfile.toml" secret -k api-token -v 'tok-demo-1234' || return 1
  log "running it: a greeting from the environment, a colour from settings.env, the secret"
  CFGDEMO_GREETING='hello from the host' XDG_CONFIG_HOME="$PWD/$b/config" \
    build/slight -c "$b/slightfile.toml" run "$b/app.wasm" || return 1
}

# The HTTP demo (examples/http): serve, answer requests with curl, stop.
http_demo() {
  log "building the HTTP demo (examples/http): router, handlers, notes in keyvalue"
  local b=build/httpdemo port w
  rm -rf "$b" && mkdir -p "$b" || return 1
  for w in http-server keyvalue; do
    build/tools/witgen/witgen guest-c "wit/$w.wit" "$b/${w//-/_}.h" "$b/${w//-/_}.c" || return 1
  done
  for w in http-handler http-server-export; do
    build/tools/witgen/witgen guest-c --export "wit/$w.wit" "$b/${w//-/_}.h" "$b/${w//-/_}.c" || return 1
  done
  clang --target=wasm32-wasi --sysroot=/usr -O2 -mexec-model=reactor -I "$b" \
    examples/http/main.c "$b"/*.c -o "$b/app.wasm" || return 1
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  log "serving on 127.0.0.1:$port; three requests with curl, then SIGTERM"
  build/slight -c examples/http/slightfile.toml run "$b/app.wasm" --env "ADDRESS=127.0.0.1:$port" &
  local pid=$!
  for w in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/hello" && break; sleep 0.1; done
  echo "\$ curl http://127.0.0.1:$port/hello"; curl -s "http://127.0.0.1:$port/hello"
  echo "\$ curl -X PUT --data 'buy milk' http://127.0.0.1:$port/notes/1"
  curl -s -X PUT --data 'buy milk' "http://127.0.0.1:$port/notes/1"; echo
  echo "\$ curl http://127.0.0.1:$port/notes/1"; curl -s "http://127.0.0.1:$port/notes/1"; echo
  kill -TERM "$pid"; wait "$pid"
}

STEPS=""
step() { # NAME COMMAND...
  local name=$1; shift
  log "$name"
  if "$@"; then echo "PASS $name" >> "$STEPS"; else echo "FAIL $name" >> "$STEPS"; fi
}

check_install() {
  local d; d=$(mktemp -d)
  meson install -C build --destdir "$d" >/dev/null || return 1
  local ok=0
  for f in bin/slight share/man/man1/slight.1; do
    [ -e "$d/usr/local/$f" ] || { echo "not installed: $f" >&2; ok=1; }
  done
  "$d/usr/local/bin/slight" --version >/dev/null || ok=1
  # the installed binary finds its TOML module (a slightfile error, not "not installed")
  printf 'specversion = "9"\n' > "$d/sf.toml"
  "$d/usr/local/bin/slight" run -c "$d/sf.toml" "$d/none.wasm" 2>"$d/err.txt"
  grep -q 'unknown specversion' "$d/err.txt" || { echo "installed slight cannot read a slightfile:" >&2; cat "$d/err.txt" >&2; ok=1; }
  # ... and its Redis module: the backend's config keys are known (not "not built in")
  if [ -e build/slight-redis.so ]; then
    printf 'specversion = "0.2"\n[[capability]]\nresource = "keyvalue.redis"\nname = "s"\n' > "$d/sf.toml"
    "$d/usr/local/bin/slight" run -c "$d/sf.toml" "$d/none.wasm" 2>"$d/err.txt"
    grep -q "needs config 'REDIS_ADDRESS'" "$d/err.txt" || { echo "installed slight cannot load slight-redis.so:" >&2; cat "$d/err.txt" >&2; ok=1; }
  fi
  # ... and its SQLite module: the backend's keys are known (an unknown one is a warning)
  if [ -e build/slight-sqlite.so ]; then
    printf 'specversion = "0.2"\n[[capability]]\nresource = "keyvalue.sqlite"\nname = "s"\n[capability.configs]\nBOGUS = "x"\n' > "$d/sf.toml"
    "$d/usr/local/bin/slight" run -c "$d/sf.toml" "$d/none.wasm" 2>"$d/err.txt"
    grep -q "keyvalue.sqlite ignores config 'BOGUS'" "$d/err.txt" || { echo "installed slight cannot load slight-sqlite.so:" >&2; cat "$d/err.txt" >&2; ok=1; }
  fi
  # ... and its broker modules: each backend's keys are known (an unknown one is a warning)
  local m
  for m in slight-nats:messaging.nats slight-amqp:messaging.amqp slight-mqtt:messaging.mosquitto \
    slight-kafka:messaging.confluent_apache_kafka; do
    [ -e "build/${m%%:*}.so" ] || continue
    printf 'specversion = "0.2"\n[[capability]]\nresource = "%s"\nname = "s"\n[capability.configs]\nBOGUS = "x"\n' "${m#*:}" > "$d/sf.toml"
    "$d/usr/local/bin/slight" run -c "$d/sf.toml" "$d/none.wasm" 2>"$d/err.txt"
    grep -q "${m#*:} ignores config 'BOGUS'" "$d/err.txt" || { echo "installed slight cannot load ${m%%:*}.so:" >&2; cat "$d/err.txt" >&2; ok=1; }
  done
  # ... and its cloud module
  if [ -e build/slight-cloud.so ]; then
    printf 'specversion = "0.2"\n[[capability]]\nresource = "keyvalue.awsdynamodb"\nname = "s"\n' > "$d/sf.toml"
    "$d/usr/local/bin/slight" run -c "$d/sf.toml" "$d/none.wasm" 2>"$d/err.txt"
    grep -q "needs config 'AWS_ACCESS_KEY_ID'" "$d/err.txt" || { echo "installed slight cannot load slight-cloud.so:" >&2; cat "$d/err.txt" >&2; ok=1; }
  fi
  rm -rf "$d"
  return $ok
}

run_tests() { # BUILD_DIR
  meson test -C "$1" --print-errorlogs --num-processes "$JOBS" >/dev/null 2>"$1/meson-test.err"
  local rc=$?
  [ $rc = 0 ] || tail -n 60 "$1/meson-logs/testlog.txt" >&2
  return $rc
}

# apt must not start the servers it installs as daemons on their default
# ports (SERVICES.md §0): the tests start their own. Only done in CI.
no_daemon_start() {
  [ -e /usr/sbin/policy-rc.d ] || [ "${CI:-}" != true ] && return 0
  printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null &&
    as_root chmod 755 /usr/sbin/policy-rc.d
}

# The servers of the backend tests, children of this shell so that it reaps
# them, stopped on exit whatever happens. Sets SLIGHT_TEST_REDIS and the
# emulators' variables for the tests; the npm emulators come up in the
# background while the build runs (services_wait before the tests).
start_services() {
  SLIGHT_SERVICES_DIR=$(mktemp -d) || return 1
  export SLIGHT_SERVICES_DIR
  . tools/services.sh
  trap services_stop EXIT
  trap 'exit 130' INT TERM
  services_start || return 1
  eval "$(services_env)"
}

test_all() {
  STEPS=$(mktemp)
  export XDG_CACHE_HOME="$ROOT/build/test-cache" # one cache shared by every suite
  no_daemon_start
  step "install packages" install_packages $PKGS_BUILD $PKGS_GUEST $PKGS_TEST
  step "start services (tools/services.sh)" start_services
  step "build (release)" build_release -Dwerror=true
  step "build (ASan+UBSan)" bash -c 'f=build-asan/build.ninja; a="-Db_sanitize=address,undefined -Dbuildtype=debugoptimized -Db_lundef=false -Dwerror=true"; if [ -f $f ]; then meson setup --reconfigure build-asan $a >/dev/null; else meson setup build-asan $a >/dev/null; fi && meson compile -C build-asan -j '"$JOBS"' >/dev/null'
  step "build with every optional backend disabled (the core alone)" bash -c 'f=build-minimal/build.ninja; a="-Dsqlite=disabled -Dhiredis=disabled -Dcurl=disabled -Dh2o=disabled -Dnats=disabled -Drdkafka=disabled -Drabbitmq=disabled -Dmosquitto=disabled -Dtests=disabled -Dwerror=true"; if [ -f $f ]; then meson setup --reconfigure build-minimal $a >/dev/null; else meson setup build-minimal $a >/dev/null; fi && meson compile -C build-minimal -j '"$JOBS"' >/dev/null && build-minimal/slight --version >/dev/null'
  step "meson install into a temporary prefix" check_install
  step "services ready (Azurite, dynalite: started with the build)" services_wait
  rm -f build/meson-logs/testlog.json build-asan/meson-logs/testlog.json
  step "test suites (release: guard pages, signal traps)" run_tests build
  step "test suites (ASan+UBSan: explicit bounds checks)" run_tests build-asan
  python3 tools/ci_summary.py "$STEPS" build/meson-logs/testlog.json build-asan/meson-logs/testlog.json
  local rc=$?
  rm -f "$STEPS"
  return $rc
}

case "$MODE" in
demo) demo ;;
test) test_all ;;
*) echo "usage: tools/setup.sh demo|test" >&2; exit 2 ;;
esac
