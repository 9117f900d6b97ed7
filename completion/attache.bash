# bash completion for attache: commands, options, kinds, statuses, actors,
# tags and keys of the store.  The candidates come from the program itself
# (`attache __complete WORD...`, the words after `attache`, the last one
# being completed), so they follow its help and the store named by
# --store or $ATTACHE_STORE.  Nothing offered: bash completes file names.
_attache() {
  local cur
  cur=${COMP_WORDS[COMP_CWORD]}
  # --opt=VALUE, FIELD=VALUE: bash splits at '=' (COMP_WORDBREAKS); join
  # the pieces back into the word the program sees.
  local i line=() w
  for ((i = 1; i <= COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if ((${#line[@]} > 0)) && [[ $w == "=" || ${COMP_WORDS[i-1]} == "=" ]]; then
      line[-1]+=$w
    else
      line+=("$w")
    fi
  done
  [[ $cur == "=" ]] && cur=""
  local IFS=$'\n'
  local out
  out=$("${COMP_WORDS[0]}" __complete "${line[@]}" 2>/dev/null) || return 0
  COMPREPLY=()
  local c prefix=${line[-1]} strip=""
  # bash replaces only the part after the last '=' of the word
  [[ $prefix == *=* && $cur != "$prefix" ]] && strip=${prefix%=*}=
  for c in $out; do
    COMPREPLY+=("${c#"$strip"}")
  done
  return 0
}
complete -o default -F _attache attache
