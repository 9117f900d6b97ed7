#!/bin/sh
# Error messages a terminal can trust (issue 12, finding 8): whatever a
# user or a file puts in a command line, a store path, an environment
# variable or a --where expression, the messages on stderr show control
# characters and direction controls escaped (\x1b, \r, \u202e), in every
# way a command reports a problem (cli_fail, cli_core_fail, usage errors
# of the commands and of the program, errors of a --where expression).
. "$(dirname "$0")/lib.sh"
need python3

ESC=$(printf '\033')
RLO=$(printf '\342\200\256')
CR=$(printf '\r')
BEL=$(printf '\007')
RAW=$(printf '\233')   # a C1 byte on its own: invalid UTF-8
C1=$(printf '\302\233') # U+009B

# check WHAT WANT CMD...: the command fails, its stderr is clean and says WANT.
check() {
  what=$1 want=$2
  shift 2
  run "$@"
  [ "$RC" != 0 ] || fail "$what: exit status 0"
  term_clean "$TMP/err" "$what" notab
  grep -qF -- "$want" "$TMP/err" || fail "$what: stderr lacks '$want'"
}

new_store
ok add --title "one" --when 2024-03-12

check "get, no such key" 'no event with id or key "x\x1b]0;pwn\x07\r\u202e"' \
  get "x${ESC}]0;pwn${BEL}${CR}${RLO}"
check "get, C1 and a stray byte" '"\u009b\x9b"' get "${C1}${RAW}"
check "unknown command" "unknown command 'x\\x1b[2J'" "x${ESC}[2J"
check "unknown option before the command" "unknown option '-\\x1b[2J'" "-${ESC}[2J" list
check "unknown option" "unknown option '--\\u202e'" list "--${RLO}"
check "list --sort" '--sort \x1b[31m' list --sort "${ESC}[31m"
check "list --limit" '--limit \r' list --limit "${CR}"
check "add --when" '\x1b' add --title t --when "${ESC}[31m"
check "alerts --since" '\x1b' alerts --since "${ESC}"
check "export --format" '--format \u202e' export --format "${RLO}"
check "help of a command" "no command 'x\\x1b'" help "x${ESC}"
check "--where syntax" '\x1b[31m' list --where "${ESC}[31m"
check "--where error" 'boom\x1b[31m' list --where 'error("boom\27[31m")'
check "--where error in C1" 'boom\u009b' list --where 'error("boom\u{9b}")'
# a store path and an environment variable
STORE_SAVE=$STORE
STORE=$TMP/no${ESC}[2J
check "no store" "\\x1b[2J" list
STORE=$STORE_SAVE
ATTACHE_LOCK_WAIT="${ESC}[2J"
export ATTACHE_LOCK_WAIT
check "ATTACHE_LOCK_WAIT" 'ATTACHE_LOCK_WAIT="\x1b[2J"' list
unset ATTACHE_LOCK_WAIT
STORE=$STORE_SAVE

done_ok
