#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# services.sh -- the real servers the test suites talk to, run as plain
# processes on 127.0.0.1 with free ports and a temporary directory (no
# Docker, no systemd: ../shared/design/SERVICES.md). Today: Redis.
#   tools/services.sh start   start them, wait until each answers, write
#                             $SLIGHT_SERVICES_DIR/env (the exports below)
#   tools/services.sh env     print the exports: eval "$(tools/services.sh env)"
#   tools/services.sh stop    stop them and remove the directory
# Sourced (. tools/services.sh), it only defines services_start,
# services_stop and services_env, so that the calling shell is the servers'
# parent and reaps them (tools/setup.sh does this).
# Exports: SLIGHT_TEST_REDIS=redis://127.0.0.1:PORT
SLIGHT_SERVICES_DIR=${SLIGHT_SERVICES_DIR:-${TMPDIR:-/tmp}/slight-services-$(id -u)}

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

services_stop() {
  local f pid i
  [ -d "$SLIGHT_SERVICES_DIR" ] || return 0
  for f in "$SLIGHT_SERVICES_DIR"/*/pid; do
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
  rm -rf "$SLIGHT_SERVICES_DIR"
}

services_start() {
  services_stop
  mkdir -p "$SLIGHT_SERVICES_DIR" || return 1
  : > "$SLIGHT_SERVICES_DIR/env"
  _svc_start_redis || return 1
}

services_env() {
  [ -f "$SLIGHT_SERVICES_DIR/env" ] || { echo "services: not started (tools/services.sh start)" >&2; return 1; }
  cat "$SLIGHT_SERVICES_DIR/env"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
  start) services_start && services_env ;;
  stop) services_stop ;;
  env) services_env ;;
  *) echo "usage: tools/services.sh start|stop|env" >&2; exit 2 ;;
  esac
fi
