#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# services.sh -- the real servers the test suites talk to, run as plain
# processes on 127.0.0.1 with free ports and a temporary directory (no
# Docker, no systemd: ../shared/design/SERVICES.md). Redis, Mosquitto and
# NATS (started at once), RabbitMQ (in the background: it boots in about
# 10 s); Azurite (Azure
# Blob) and dynalite (DynamoDB) from npm, installed once into
# $SLIGHT_NPM_DIR (default build-services/) and started in the background so
# that they come up while the build runs (services_wait waits for them).
#   tools/services.sh start   start them, wait until each answers, write
#                             $SLIGHT_SERVICES_DIR/env (the exports below)
#   tools/services.sh env     print the exports: eval "$(tools/services.sh env)"
#   tools/services.sh stop    stop them and remove the directory
# Sourced (. tools/services.sh), it only defines services_start,
# services_wait, services_stop and services_env, so that the calling shell
# is the servers' parent and reaps them (tools/setup.sh does this).
# Exports: SLIGHT_TEST_REDIS=redis://127.0.0.1:PORT
#          SLIGHT_TEST_AZURITE_CONNSTR=<an Azure connection string for Azurite>
#          SLIGHT_TEST_DYNAMODB_ENDPOINT=http://127.0.0.1:PORT
#          SLIGHT_TEST_NPM_BIN=<the node_modules/.bin holding azurite-blob and dynalite>
#          SLIGHT_TEST_MOSQUITTO_PORT=PORT (on 127.0.0.1, anonymous)
#          SLIGHT_TEST_NATS=nats://127.0.0.1:PORT
#          SLIGHT_TEST_AMQP=amqp://guest:guest@127.0.0.1:PORT (vhost /)
# A service whose server is not installed is left out (its variable unset:
# the tests that need it skip, or fail under CI=true).
SLIGHT_SERVICES_DIR=${SLIGHT_SERVICES_DIR:-${TMPDIR:-/tmp}/slight-services-$(id -u)}
SLIGHT_NPM_DIR=${SLIGHT_NPM_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build-services}
# Pinned as SERVICES.md says (azurite 3.37 needs node 22).
_SVC_NPM_PKGS="azurite@3.35.0 dynalite@4.0.0"

_svc_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# True while PID runs; a zombie (exited, not yet reaped) counts as stopped.
_svc_alive() {
  [ -r "/proc/$1/status" ] || return 1
  ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

_svc_start_redis() {
  local d=$SLIGHT_SERVICES_DIR/redis port pid i try
  command -v redis-server >/dev/null || { echo "services: redis-server is not installed" >&2; return 1; }
  mkdir -p "$d" || return 1
  for try in 1 2 3; do # a free port may be taken between the probe and the bind
    port=$(_svc_free_port) || return 1
    redis-server --port "$port" --bind 127.0.0.1 --dir "$d" --save '' --appendonly no \
      --logfile "$d/redis.log" --daemonize no </dev/null >/dev/null 2>&1 &
    pid=$!
    for i in $(seq 1 100); do
      if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ]; then
        echo "$pid" > "$d/pid"
        echo "export SLIGHT_TEST_REDIS=redis://127.0.0.1:$port" >> "$SLIGHT_SERVICES_DIR/env"
        echo "services: redis-server $pid on 127.0.0.1:$port" >&2
        return 0
      fi
      _svc_alive "$pid" || break
      sleep 0.1
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  echo "services: redis-server did not start; its log:" >&2
  tail -n 20 "$d/redis.log" >&2 2>/dev/null
  return 1
}

# NAME PORT PID TRIES CHECK...: waits up to TRIES x 0.1 s until CHECK
# succeeds while PID runs; on failure shows the log and stops PID.
_svc_wait_ready() {
  local name=$1 port=$2 pid=$3 tries=$4 i
  shift 4
  for i in $(seq 1 "$tries"); do
    if "$@" >/dev/null 2>&1; then
      echo "services: $name $pid on 127.0.0.1:$port" >&2
      return 0
    fi
    _svc_alive "$pid" || break
    sleep 0.1
  done
  echo "services: $name did not start; its log:" >&2
  tail -n 20 "$SLIGHT_SERVICES_DIR/$name/log" >&2 2>/dev/null
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 1
}

_svc_start_mosquitto() {
  local d=$SLIGHT_SERVICES_DIR/mosquitto port pid
  command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || return 0
  mkdir -p "$d" || return 1
  port=$(_svc_free_port) || return 1
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\nlog_dest stderr\n' \
    "$port" > "$d/mosquitto.conf"
  PATH=$PATH:/usr/sbin mosquitto -c "$d/mosquitto.conf" </dev/null >"$d/log" 2>&1 &
  pid=$!
  echo "$pid" > "$d/pid"
  _svc_wait_ready mosquitto "$port" "$pid" 100 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" || return 1
  echo "export SLIGHT_TEST_MOSQUITTO_PORT=$port" >> "$SLIGHT_SERVICES_DIR/env"
}

_svc_start_nats() {
  local d=$SLIGHT_SERVICES_DIR/nats port mport pid
  command -v nats-server >/dev/null || return 0
  mkdir -p "$d" || return 1
  port=$(_svc_free_port) && mport=$(_svc_free_port) || return 1
  nats-server -a 127.0.0.1 -p "$port" -m "$mport" -js -sd "$d/js" </dev/null >"$d/log" 2>&1 &
  pid=$!
  echo "$pid" > "$d/pid"
  _svc_wait_ready nats "$port" "$pid" 100 curl -fs --max-time 1 "http://127.0.0.1:$mport/healthz" || return 1
  echo "export SLIGHT_TEST_NATS=nats://127.0.0.1:$port" >> "$SLIGHT_SERVICES_DIR/env"
}

# RabbitMQ, run in the background by services_start (SERVICES.md §2.6: the
# broker itself, not the /usr/sbin wrapper; our own epmd so that it does
# not outlive the broker). Records the outcome in rabbitmq.rc.
_svc_rabbitmq() {
  local d=$SLIGHT_SERVICES_DIR/rabbitmq port=$1 epmd_port dist_port pid epid i rc=1
  mkdir -p "$d/home" "$d/log" || { echo 1 > "$SLIGHT_SERVICES_DIR/rabbitmq.rc"; return 1; }
  epmd_port=$(_svc_free_port) && dist_port=$(_svc_free_port) || { echo 1 > "$SLIGHT_SERVICES_DIR/rabbitmq.rc"; return 1; }
  echo '[].' > "$d/enabled_plugins"
  echo 'loopback_users.guest = true' > "$d/rabbitmq.conf"
  epmd -address 127.0.0.1 -port "$epmd_port" </dev/null >"$d/epmd.log" 2>&1 &
  epid=$!
  echo "$epid" > "$d/epmd.pid" # stopped after the broker (services_stop)
  env HOME="$d/home" RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$port" RABBITMQ_DIST_PORT="$dist_port" ERL_EPMD_ADDRESS=127.0.0.1 \
    ERL_EPMD_PORT="$epmd_port" RABBITMQ_MNESIA_BASE="$d/mnesia" RABBITMQ_LOG_BASE="$d/log" \
    RABBITMQ_CONFIG_FILE="$d/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$d/enabled_plugins" \
    RABBITMQ_PID_FILE="$d/beam.pid" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    /usr/lib/rabbitmq/bin/rabbitmq-server </dev/null >"$d/log/stdout" 2>&1 &
  pid=$!
  for i in $(seq 1 600); do # first start after install: about 15 s
    if amqp-declare-queue -u "amqp://guest:guest@127.0.0.1:$port" -q ci-ready >/dev/null 2>&1; then
      echo "services: rabbitmq $(cat "$d/beam.pid" 2>/dev/null) on 127.0.0.1:$port" >&2
      rc=0
      break
    fi
    _svc_alive "$pid" || break
    sleep 0.1
  done
  [ -f "$d/beam.pid" ] && cp "$d/beam.pid" "$d/pid"
  if [ $rc != 0 ]; then
    echo "services: rabbitmq did not start within 60 s; its log:" >&2
    tail -n 20 "$d/log/stdout" >&2 2>/dev/null
  fi
  echo "$rc" > "$SLIGHT_SERVICES_DIR/rabbitmq.rc"
  wait "$pid" 2>/dev/null # the sh wrapper ends with the broker
  return $rc
}

# npm packages into $SLIGHT_NPM_DIR, once (their install scripts are not needed).
_svc_npm_install() {
  local bin=$SLIGHT_NPM_DIR/node_modules/.bin
  [ -x "$bin/azurite-blob" ] && [ -x "$bin/dynalite" ] &&
    [ "$(cat "$SLIGHT_NPM_DIR/.pkgs" 2>/dev/null)" = "$_SVC_NPM_PKGS" ] && return 0
  command -v npm >/dev/null || { echo "services: npm is not installed" >&2; return 1; }
  mkdir -p "$SLIGHT_NPM_DIR" || return 1
  [ -f "$SLIGHT_NPM_DIR/package.json" ] || echo '{"private": true}' > "$SLIGHT_NPM_DIR/package.json"
  echo "services: npm install $_SVC_NPM_PKGS into $SLIGHT_NPM_DIR" >&2
  # shellcheck disable=SC2086
  (cd "$SLIGHT_NPM_DIR" && npm install --no-save --ignore-scripts --no-audit --no-fund \
    --loglevel=error $_SVC_NPM_PKGS >"$SLIGHT_NPM_DIR/npm.log" 2>&1) || {
    echo "services: npm install failed; its log:" >&2
    tail -n 20 "$SLIGHT_NPM_DIR/npm.log" >&2
    return 1
  }
  echo "$_SVC_NPM_PKGS" > "$SLIGHT_NPM_DIR/.pkgs"
}

# NAME PORT CMD...: starts CMD in $SLIGHT_SERVICES_DIR/NAME, waits until PORT answers HTTP.
_svc_start_http() {
  local name=$1 port=$2 d=$SLIGHT_SERVICES_DIR/$1 pid i
  shift 2
  mkdir -p "$d" || return 1
  (cd "$d" && exec "$@" </dev/null >"$d/log" 2>&1) &
  pid=$!
  echo "$pid" > "$d/pid"
  _svc_wait_ready "$name" "$port" "$pid" 300 curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"
}

# The npm emulators, run in the background by services_start: installs them,
# starts both at once, and records the outcome in $SLIGHT_SERVICES_DIR/emulators.rc.
_svc_emulators() {
  local az_port=$1 dy_port=$2 bin=$SLIGHT_NPM_DIR/node_modules/.bin rc=0 a d
  if _svc_npm_install; then
    _svc_start_http azurite "$az_port" "$bin/azurite-blob" --silent --blobHost 127.0.0.1 \
      --blobPort "$az_port" --inMemoryPersistence --skipApiVersionCheck --disableTelemetry &
    a=$! # in memory: the suite runs about twice as fast as on disk
    _svc_start_http dynalite "$dy_port" "$bin/dynalite" --host 127.0.0.1 --port "$dy_port" \
      --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 & d=$!
    wait "$a" || rc=1
    wait "$d" || rc=1
  else
    rc=1
  fi
  echo "$rc" > "$SLIGHT_SERVICES_DIR/emulators.rc"
  return $rc
}

# Waits (up to 3 minutes: a first npm install takes about 30 s) for the
# emulators and RabbitMQ started by services_start; fails when one did not start.
services_wait() {
  local i
  if [ -n "${_SVC_AMQP_JOB:-}" ]; then
    for i in $(seq 1 900); do
      [ -f "$SLIGHT_SERVICES_DIR/rabbitmq.rc" ] && break
      sleep 0.1
    done
    [ "$(cat "$SLIGHT_SERVICES_DIR/rabbitmq.rc" 2>/dev/null)" = 0 ] || {
      echo "services: rabbitmq did not start" >&2
      return 1
    }
  fi
  for i in $(seq 1 1800); do
    if [ -f "$SLIGHT_SERVICES_DIR/emulators.rc" ]; then
      [ -n "${_SVC_EMU_JOB:-}" ] && wait "$_SVC_EMU_JOB" 2>/dev/null
      [ "$(cat "$SLIGHT_SERVICES_DIR/emulators.rc")" = 0 ]
      return
    fi
    [ -f "$SLIGHT_SERVICES_DIR/env" ] || { echo "services: not started" >&2; return 1; }
    sleep 0.1
  done
  echo "services: the npm emulators did not start within 3 minutes" >&2
  return 1
}

services_stop() {
  local f pid i
  [ -d "$SLIGHT_SERVICES_DIR" ] || return 0
  if [ -n "${_SVC_EMU_JOB:-}" ] && _svc_alive "$_SVC_EMU_JOB"; then
    kill "$_SVC_EMU_JOB" 2>/dev/null
    wait "$_SVC_EMU_JOB" 2>/dev/null
  fi
  for f in "$SLIGHT_SERVICES_DIR"/*/pid "$SLIGHT_SERVICES_DIR"/rabbitmq/beam.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null
    for i in $(seq 1 50); do
      _svc_alive "$pid" || break
      sleep 0.1
    done
    _svc_alive "$pid" && kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null # reaps it when this shell started it
  done
  for f in "$SLIGHT_SERVICES_DIR"/*/epmd.pid; do # after the broker that used it
    [ -f "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null
    wait "$(cat "$f")" 2>/dev/null
  done
  if [ -n "${_SVC_AMQP_JOB:-}" ]; then
    kill "$_SVC_AMQP_JOB" 2>/dev/null
    wait "$_SVC_AMQP_JOB" 2>/dev/null
  fi
  rm -rf "$SLIGHT_SERVICES_DIR"
}

services_start() {
  services_stop
  mkdir -p "$SLIGHT_SERVICES_DIR" || return 1
  : > "$SLIGHT_SERVICES_DIR/env"
  local az_port dy_port amqp_port
  if [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && command -v amqp-declare-queue >/dev/null; then
    amqp_port=$(_svc_free_port) || return 1 # started first: it takes longest
    echo "export SLIGHT_TEST_AMQP=amqp://guest:guest@127.0.0.1:$amqp_port" >> "$SLIGHT_SERVICES_DIR/env"
    _svc_rabbitmq "$amqp_port" &
    _SVC_AMQP_JOB=$!
  fi
  _svc_start_redis || return 1
  _svc_start_mosquitto || return 1
  _svc_start_nats || return 1
  az_port=$(_svc_free_port) && dy_port=$(_svc_free_port) || return 1
  {
    echo "export SLIGHT_TEST_AZURITE_CONNSTR='DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$az_port/devstoreaccount1'"
    echo "export SLIGHT_TEST_DYNAMODB_ENDPOINT=http://127.0.0.1:$dy_port"
    echo "export SLIGHT_TEST_NPM_BIN=$SLIGHT_NPM_DIR/node_modules/.bin"
  } >> "$SLIGHT_SERVICES_DIR/env"
  _svc_emulators "$az_port" "$dy_port" &
  _SVC_EMU_JOB=$!
}

services_env() {
  [ -f "$SLIGHT_SERVICES_DIR/env" ] || { echo "services: not started (tools/services.sh start)" >&2; return 1; }
  cat "$SLIGHT_SERVICES_DIR/env"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
  start) services_start && services_wait && services_env ;;
  stop) services_stop ;;
  env) services_env ;;
  *) echo "usage: tools/services.sh start|stop|env" >&2; exit 2 ;;
  esac
fi
