#!/bin/sh
# Run one Lua test the way ctest does: a fresh store in a temporary
# directory, then `attache run SCRIPT` from the script's own directory (so
# require "tap" and relative fixture paths work).  The script gets one
# argument, a scratch directory it may write to (--out); nothing is written
# to the source tree.  The exit status is the script's (0: all passed).
#   sh tests/lua/run.sh path/to/attache tests/lua/test_NAME.lua
set -u
ATT=${1:?usage: sh tests/lua/run.sh path/to/attache SCRIPT.lua}
SCRIPT=${2:?usage: sh tests/lua/run.sh path/to/attache SCRIPT.lua}
case $ATT in /*) ;; *) ATT=$(pwd)/$ATT ;; esac
TMP=$(mktemp -d "${TMPDIR:-/tmp}/attache-lua.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
unset ATTACHE_STORE XDG_DATA_HOME XDG_CONFIG_HOME
HOME=$TMP/home
export HOME
${ATT_WRAP:-} "$ATT" --store "$TMP/store" init >/dev/null || exit 1
cd "$(dirname "$SCRIPT")" || exit 1
${ATT_WRAP:-} "$ATT" --store "$TMP/store" run --out "$TMP/out" "$(basename "$SCRIPT")" "$TMP/out"
