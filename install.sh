#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# install.sh -- build and install slight from a release tarball, offline.
#
#   ./install.sh [--prefix DIR] [--no-deps] [--keep-build] [TARBALL]
#
# Run it from an unpacked release tarball (slight-X.Y.Z/install.sh), or give
# it the tarball (slight-X.Y.Z.tar.xz, made by `meson dist`). It installs the
# Debian packages needed to build and run slight (as root, or through sudo;
# --no-deps skips that), builds a release build in a temporary directory,
# installs it under the prefix (default /usr/local) and checks that the
# installed slight runs. Nothing is downloaded except by apt.
#
# Environment: JOBS (parallel build jobs, default: the number of CPUs),
# SUDO (the command used when not root, default: sudo).
set -eu

PKGS="meson ninja-build pkg-config gcc g++ libsodium-dev libtcc-dev tcc wabt \
libtomlplusplus-dev libcjson-dev"

prefix=/usr/local
deps=1
keep=0
tarball=

usage() {
    sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//'
}

die() {
    printf 'install.sh: error: %s\n' "$*" >&2
    exit 1
}

say() {
    printf '== %s\n' "$*" >&2
}

while [ $# -gt 0 ]; do
    case $1 in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --no-deps) deps=0; shift ;;
    --keep-build) keep=1; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    -*) printf 'install.sh: error: unknown option %s\n' "$1" >&2; usage >&2; exit 2 ;;
    *) [ -z "$tarball" ] || die "more than one tarball given"; tarball=$1; shift ;;
    esac
done
if [ $# -gt 0 ]; then
    if [ -n "$tarball" ] || [ $# -gt 1 ]; then
        die "more than one tarball given"
    fi
    tarball=$1
fi
[ -n "$prefix" ] || die "--prefix needs a directory"

# Runs a command as root: directly when root, else through sudo.
as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    else
        command -v "${SUDO:-sudo}" >/dev/null 2>&1 \
            || die "this step needs root and ${SUDO:-sudo} is not available: $*"
        "${SUDO:-sudo}" "$@"
    fi
}

install_deps() {
    command -v dpkg-query >/dev/null 2>&1 || die "not a Debian system (no dpkg-query); install \
the equivalents of these packages yourself and rerun with --no-deps: $PKGS"
    missing=
    for p in $PKGS; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            missing="$missing $p"
        fi
    done
    if [ -z "$missing" ]; then
        say "build and run-time packages are installed"
        return 0
    fi
    say "installing Debian packages:$missing"
    as_root apt-get update -qq || die "apt-get update failed"
    # shellcheck disable=SC2086 # one word per package
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        $missing || die "apt-get install failed"
}

# The prefix must be absolute for meson.
prefix=$(realpath -m -- "$prefix") || die "bad prefix: $prefix"

work=$(mktemp -d "${TMPDIR:-/tmp}/slight-install.XXXXXX")
cleanup() {
    if [ "$keep" = 1 ]; then
        say "build kept in $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Find the source tree: the tarball given, else the directory of this script.
if [ -n "$tarball" ]; then
    [ -f "$tarball" ] || die "no such file: $tarball"
    say "unpacking $tarball"
    mkdir "$work/src"
    tar -xf "$tarball" -C "$work/src" || die "cannot unpack $tarball"
    src=
    for d in "$work"/src/*/; do
        if [ -f "$d/meson.build" ]; then
            [ -z "$src" ] || die "$tarball holds more than one source tree"
            src=${d%/}
        fi
    done
    [ -n "$src" ] || die "$tarball is not a slight release tarball (no meson.build inside)"
else
    src=$(cd "$(dirname "$0")" && pwd)
    [ -f "$src/meson.build" ] || die "run this script from an unpacked slight release, or give \
it the tarball: ./install.sh slight-X.Y.Z.tar.xz"
fi
grep -q "project('slight'" "$src/meson.build" || die "$src is not a slight source tree"

if [ "$deps" = 1 ]; then
    install_deps
fi
for tool in meson ninja cc wasm2c; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is missing (Debian packages: $PKGS)"
done

# Installing needs root (sudo) when the prefix is not writable.
parent=$prefix
while [ ! -e "$parent" ]; do
    parent=$(dirname "$parent")
done
run_install=
if [ ! -w "$parent" ] || { [ -d "$prefix/bin" ] && [ ! -w "$prefix/bin" ]; }; then
    if [ "$(id -u)" != 0 ]; then
        command -v "${SUDO:-sudo}" >/dev/null 2>&1 \
            || die "$prefix is not writable and ${SUDO:-sudo} is not available"
        run_install=${SUDO:-sudo}
    fi
fi

jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
say "configuring a release build (prefix $prefix)"
# No wrap downloads: every dependency comes from the system.
meson setup "$work/build" "$src" --prefix="$prefix" --buildtype=release -Dtests=disabled \
    --wrap-mode=nodownload >"$work/setup.log" 2>&1 \
    || { cat "$work/setup.log" >&2; die "meson setup failed (log above)"; }

say "building with $jobs jobs"
meson compile -C "$work/build" -j "$jobs" >"$work/build.log" 2>&1 \
    || { tail -n 40 "$work/build.log" >&2; die "the build failed (end of the log above)"; }

say "installing into $prefix"
$run_install meson install -C "$work/build" --no-rebuild >"$work/install.log" 2>&1 \
    || { cat "$work/install.log" >&2; die "meson install failed (log above)"; }

# Check the installed binary: its version, and a one-function module run on
# the baseline tier with a throw-away cache (needs wasm2c and tcc at run time).
bin=$prefix/bin/slight
[ -x "$bin" ] || die "$bin was not installed"
version=$("$bin" --version) || die "$bin --version failed"
say "installed: $version"
if command -v wat2wasm >/dev/null 2>&1; then
    printf '(module (func (export "_start")))\n' >"$work/smoke.wat"
    wat2wasm "$work/smoke.wat" -o "$work/smoke.wasm" || die "wat2wasm failed"
    mkdir "$work/cache"
    XDG_CACHE_HOME=$work/cache SLIGHT_NO_BACKGROUND_COMPILE=1 \
        "$bin" run "$work/smoke.wasm" --tier=baseline \
        || die "$bin cannot run a module (baseline tier)"
    XDG_CACHE_HOME=$work/cache "$bin" run "$work/smoke.wasm" --tier=optimized \
        || die "$bin cannot run a module (optimized tier)"
    say "a test module runs on both tiers"
fi
case ":$PATH:" in
*":$prefix/bin:"*) ;;
*) say "note: $prefix/bin is not in PATH" ;;
esac
say "done; see 'man slight' (MANPATH may need $prefix/share/man)"
