#!/bin/sh
# The layout of the source tree (docs/architecture.md): each part includes
# only the headers of the parts below it, and another part's internal
# headers (*_int.h and the like) never.  Fails, naming file and header,
# when an #include crosses a line it must not.
#   sh tests/layout.sh [SOURCE_DIR]
set -u
src=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$src" || exit 1

# The parts, lowest first; a part may use those before it.
#   part     folder             its headers for the others
parts="core:core:*
host:bindings/host:host.h curl_dl.h
alerts:bindings/alerts:alerts.h
lua:bindings/lua:lua_util.h
daemon:bindings/daemon:daemon.h
cli:bindings/cli:cli.h"

# part_of HEADER: the part whose folder holds HEADER (empty if none).
part_of() {
  echo "$parts" | while IFS=: read -r p dir pub; do
    [ -f "$dir/$1" ] && { echo "$p"; break; }
  done
}
rank() { echo "$parts" | awk -F: -v p="$1" '$1 == p { print NR }'; }
public() { echo "$parts" | awk -F: -v p="$1" '$1 == p { print $3 }'; }

bad=0
checked=0
check_file() { # FILE PART
  f=$1
  me=$2
  myrank=$(rank "$me")
  for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
    checked=$((checked + 1))
    hp=$(part_of "$h")
    # (a header in no part, such as a test's, is not the tree's business)
    [ -z "$hp" ] && continue
    [ "$hp" = "$me" ] && continue
    if [ "$me" != main ] && [ "$(rank "$hp")" -gt "$myrank" ]; then
      echo "$f includes $h: $me may not depend on $hp (a part above it)"
      bad=$((bad + 1))
      continue
    fi
    pub=$(public "$hp")
    case $h in *_int.h | embedded.h | fault.h)
      echo "$f includes $h: internal to $hp"
      bad=$((bad + 1))
      continue ;;
    esac
    case " $pub " in
    " * " | *" $h "*) ;;
    *) echo "$f includes $h: from outside $hp, only $pub"
       bad=$((bad + 1)) ;;
    esac
  done
  # Libraries by part: Lua nowhere in core or alerts, libuv in the daemon only
  # (and the alerts' transfers on its loop).
  if grep -Eq '^[[:space:]]*#[[:space:]]*include[[:space:]]*<(lua|lauxlib|lualib)\.h>' "$f"; then
    case $me in core | alerts) echo "$f includes a Lua header: $me is pure C"; bad=$((bad + 1)) ;; esac
  fi
  if grep -Eq '^[[:space:]]*#[[:space:]]*include[[:space:]]*<uv\.h>' "$f"; then
    # alert_uv.c runs the deliveries of alerts on the daemon's loop (the
    # daemon hands it the loop; docs/architecture.md).
    case $me:$f in daemon:* | main:* | alerts:bindings/alerts/alert_uv.c) ;;
    *) echo "$f includes <uv.h>: libuv belongs to the daemon"; bad=$((bad + 1)) ;; esac
  fi
  # libcurl is opened with dlopen, when first needed (bindings/host/curl_dl.h):
  # its header directly would link it into every start.
  if [ "$f" != bindings/host/curl_dl.h ] &&
     grep -Eq '^[[:space:]]*#[[:space:]]*include[[:space:]]*<curl/' "$f"; then
    echo "$f includes a libcurl header: include curl_dl.h (libcurl is opened when first needed)"
    bad=$((bad + 1))
  fi
  # Children are started by att_spawn (core/spawnproc.h) only: fork, and
  # uv_spawn, system and popen, which fork, leave every page of the
  # daemon's memory copy-on-write, paid for with a page fault on its loop
  # at the next write to each (docs/performance.md).
  if [ "$f" != core/spawnproc.c ] &&
     grep -Ev '^[[:space:]]*(\*|/\*|//)' "$f" | sed 's:/\*.*$::; s://.*$::' |
     grep -Eq '(^|[^_[:alnum:]])(v?fork|uv_spawn|system|popen|posix_spawnp?)[[:space:]]*\('; then
    echo "$f starts a process without att_spawn (fork, uv_spawn, system, popen): use core/spawnproc.h"
    bad=$((bad + 1))
  fi
  # The wall clock is read with att_time_now (core/timeq.h) only:
  # time(NULL) and gettimeofday read the kernel's coarse copy of it, a
  # tick behind date(1) as each second begins (tests/unit/test_wallclock.c).
  if grep -Ev '^[[:space:]]*(\*|/\*|//)' "$f" | sed 's:/\*.*$::; s://.*$::' |
     grep -Eq '(^|[^_[:alnum:]])(time[[:space:]]*\([[:space:]]*(NULL|0)[[:space:]]*\)|gettimeofday[[:space:]]*\()'; then
    echo "$f reads the clock with time(NULL) or gettimeofday: use att_time_now (core/timeq.h)"
    bad=$((bad + 1))
  fi
  # A day is written by att_time_day (core/date.h), never cut from a
  # date-time's text: "-0044-03-15T00:00:00Z" cut at ten is "-0044-03-1"
  # (tests/cli/far_dates.sh).
  if grep -Eq "\[10\][[:space:]]*=[[:space:]]*'\\\\0'" "$f"; then
    echo "$f cuts a text at ten characters (a day from a date-time?): use att_time_day (core/date.h)"
    bad=$((bad + 1))
  fi
}

nfiles=0
for entry in $(echo "$parts" | cut -d: -f1,2); do
  part=${entry%%:*}
  dir=${entry#*:}
  for f in "$dir"/*.c "$dir"/*.h; do
    [ -f "$f" ] || continue
    check_file "$f" "$part"
    nfiles=$((nfiles + 1))
  done
done
check_file bindings/main.c main
nfiles=$((nfiles + 1))
# Nothing in bindings/ outside the parts but main.c.
for f in bindings/*.c bindings/*.h; do
  [ -f "$f" ] || continue
  [ "$f" = bindings/main.c ] && continue
  echo "$f: in no part (bindings/ holds main.c and the parts' folders)"
  bad=$((bad + 1))
done
if [ "$bad" -gt 0 ]; then
  echo "FAIL layout: $bad lines of docs/architecture.md crossed"
  exit 1
fi
echo "ok layout ($nfiles files, $checked includes)"
