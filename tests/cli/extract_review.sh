# attache extract --review at a terminal (issue 18): the seed article's
# proposals answered one by one in tmux as a person would (accept, edit,
# skip, refused edits (a typo of a kind or status named with the
# nearest known one), a new kind kept with !, end of input with Ctrl-D,
# an interrupt with Ctrl-C, accept the rest), the screen read back after
# every answer, and the store read afterwards: what was accepted is
# there, with the edits, and nothing else.
. "$(dirname "$0")/lib.sh"
need tmux tmux
SEED=${ATT_SHARED_DATA:-$SRC/../shared/data}/../seed/cambodia-japan-article.txt
[ -f "$SEED" ] || missing "the seed article ($SEED)"
cp "$SEED" "$TMP/seed.txt"

. "$(dirname "$0")/tmux.lib"
tmux_start

# The questions asked so far (each proposal ends with one), the shell's
# prompts so far (tmux.lib's await polls these).
asked() { screen | grep -c '\[a\]ccept, \[s\]kip\|known: \[s\]kip'; }
prompts() { screen | grep -c "^$PROMPT"; }
asked_more() { [ "$(asked)" -gt "$q0" ]; }
shell_back() { [ "$(prompts)" -gt "$p0" ]; }
# review: start a review of the seed article and wait for its first question.
review() {
  q0=$(asked)
  keys -l "attache extract --review --published 2023-12-18 seed.txt"
  keys Enter
  await "the review asked nothing" asked_more
}
# answer TEXT: type an answer and wait for what it leads to: the next
# question, or the shell's prompt (the review has ended).
answer() {
  q0=$(asked) p0=$(prompts)
  keys -l "$1"
  keys Enter
  await "nothing followed the answer '$1'" eval 'asked_more || shell_back'
}
# press KEY: a key that ends the review (C-d, C-c); wait for the shell.
press() {
  p0=$(prompts)
  keys "$1"
  await "$1 did not end the review" shell_back
}

type_line "cd $TMP && attache init"
review
seen "proposals from seed.txt; a accept, s skip"
seen "1. meeting, planned, 2024, KHM JPN"
answer a                                   # 1: the CDC meeting, as proposed
seen "2. meeting, held, 2023-12-17, KHM JPN"
answer "e title=Foreign ministers meet"    # 2: edited, shown again, asked again
seen 'titled "Foreign ministers meet"'
answer a
answer "e kind=summit!"                    # 3: the press release: a new kind kept with !,
seen "3. summit,"
answer s                                   # then skipped
answer "e kind=meting"                    # 4: a typo, refused with the nearest kind
seen 'kind "meting" is not one this store knows; did you mean "meeting"?'
seen 'end it with ! to keep it as a new kind (kind=meting!)'
answer "e status=helld"
seen 'did you mean "held"?'
answer "e kind=Big Summit!"                # a new kind the store refuses as typed
seen 'event field "kind": "Big Summit" is not accepted'
answer "e when=someday soonish"
seen 'cannot read the date "someday soonish"'
answer a                                   # and accepted as it was
press C-d                                  # 5: the end of the answers: the accepted added
seen "added 3 events (1, 2, 3)"
type_line "attache get 1 --json"
seen '"title":"Meeting: KHM, JPN","kind":"meeting","status":"planned","when":"2024"'
type_line "attache get 2 --json"
seen '"title":"Foreign ministers meet","kind":"meeting","status":"held","when":"2023-12-17"'
seen '"source":{"published":"2023-12-18"}'
seen '"notes":"From the text: This commitment was highlighted during a meeting between Minister of Foreign Affairs and International Cooperation Sok Chenda Sophea and his Japanese counterpart Kamikawa Yoko on December 17.","created"'

# Ctrl-C in the middle: the review stops and nothing is added (its batch
# is opened only after the last answer); the store is whole.
review
seen "already known: event 1, Meeting: KHM, JPN (2024)"
answer a
press C-c
type_line "attache list --json | wc -l"
seen "
3
"
type_line "attache fsck >/dev/null && echo store-ok"
seen "store-ok"

# A: the rest accepted, but for the known ones (the anniversary, 4th, and
# the early-2024 meeting, 6th, which the store holds as 2024):
# they keep their default, skip.
review
answer s
answer s
answer A
type_line "echo review-status=\$?"
seen "review-status=0"
seen "2 already known not added"
n=$(screen | sed -n 's/^added \([0-9]*\) events.*/\1/p' | tail -n 1)
NCHECKS=$((NCHECKS + 1))
[ -n "$n" ] && [ "$n" -ge 6 ] || { screen >&2; fail "A: the rest accepted (added '$n')"; }
type_line "attache list --json | wc -l"
seen "
$((n + 3))
"
echo "ok $TESTNAME: $NCHECKS checks"
