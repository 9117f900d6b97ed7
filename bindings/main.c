/*
 * The entry point of the attache program: global options, the choice of
 * store directory, the command table with each command's help, and the
 * dispatch to the cli_*.c files.
 *
 * The store is --store DIR, else $ATTACHE_STORE, else $XDG_DATA_HOME/attache,
 * else $HOME/.local/share/attache.
 */
#include "cli.h"
#include "alerts.h" /* ATT_ALERT_OPTIONS_HELP */
#include "daemon.h" /* att_daemon_lua_extend */

#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* cli_run.c */

/* The sandbox options of run and check (docs/sandbox.md). */
#define SANDBOX_HELP                                                          \
  "  --read PATH        a directory or file the script may read (repeatable;\n" \
  "                     the current directory and the files named on the\n"   \
  "                     command line are always readable)\n"                  \
  "  --write DIR        a directory the script may write (repeatable)\n"     \
  "  --out DIR          the output directory, writable, made on the first\n"  \
  "                     write (default ./out)\n"                              \
  "  --max-instructions N   VM instructions per call, e.g. 100M (default\n"   \
  "                     100M; 0: no limit)\n"                                 \
  "  --max-memory SIZE  Lua memory of the script, e.g. 64M (default 64M)\n"  \
  "  --max-string SIZE  longest string string.rep/format may build (16M)\n"  \
  "  --max-time SEC     wall-clock seconds per call (default 0: no limit)\n" \
  "  --allow-debug      give the script the debug library (it can then\n"    \
  "                     escape every limit: for debugging your own scripts)\n" \
  "  --config FILE      read the limits from FILE instead of\n"              \
  "                     $XDG_CONFIG_HOME/attache/config (~/.config/attache/config);\n" \
  "                     'key = value' lines with the names above, e.g.\n"    \
  "                     max-memory = 128M, read = ~/data; the command line wins\n"

typedef struct cli_command {
  const char *name;
  int (*fn)(cli_ctx *, int, char **);
  const char *synopsis; /* one line, after "attache " */
  const char *help;     /* the rest of `attache help NAME` */
} cli_command;

static const cli_command commands[] = {
    {"init", cli_cmd_init, "init [--force]",
     "Create an empty store in the store directory and say where it is.\n"
     "Fails if a store already exists there.  An existing directory must be\n"
     "empty and writable by its owner only; --force uses one that is not,\n"
     "and makes it private (mode 0700).\n"},
    {"add", cli_cmd_add,
     "add [--title T --when W --kind K --status S ...] | --json OBJ | -",
     "Add one event and echo what was stored.\n"
     "\n"
     "  --title T          title (required)\n"
     "  --when W           date or period, as a person types it: 2023-12-17,\n"
     "                     'Dec 2023', 'early 2024', '2024-28', 'Q1 2024',\n"
     "                     'autumn 2024', 'FY2024', '15-17 March 2024',\n"
     "                     'next Tuesday', 'by end of March', 'c. 1953',\n"
     "                     '2023-12-18 10:00 Asia/Phnom_Penh' (docs/dates.md)\n"
     "                     (required); echoed in words and as EDTF\n"
     "  --kind K           meeting, visit, call, talks, agreement, policy,\n"
     "                     anniversary, statement, election, deployment, other,\n"
     "                     or one the store knows (docs/names.md)\n"
     "  --status S         planned, confirmed, held, postponed, cancelled,\n"
     "                     draft, endorsed, in-force, expired, or one the store\n"
     "                     knows\n"
     "  --where P          place, free text\n"
     "  --actor A          a party: a country by ISO 3166 name or code (Japan,\n"
     "                     JP, JPN are stored as JPN) or an organisation of the\n"
     "                     registry (attache actor add CDC ...) (repeatable)\n"
     "  --tag T            a sector or topic (repeatable)\n"
     "  --person 'NAME|ROLE|ACTOR'   a person; ROLE and ACTOR may be left out\n"
     "                     (repeatable)\n"
     "  --notes TEXT       notes\n"
     "  --recur RULE       repetition in words (yearly, every other week, every\n"
     "                     Monday, quarterly, 4 times) or as an RRULE, e.g.\n"
     "                     FREQ=YEARLY;BYMONTH=12 (docs/scheduling.md)\n"
     "  --tz ZONE          where the time is local, an IANA zone (Asia/Phnom_Penh)\n"
     "                     or local (the display.tz setting): a time in --when\n"
     "                     without a zone is read in it; a zone named in --when\n"
     "                     ('2023-12-18 10:00 Asia/Phnom_Penh') sets it too\n"
     "  --key K            a unique handle, e.g. cdc-2024-policy-meeting\n"
     "  --source-title T  --source-url U  --publisher P\n"
     "  --published D      date of the source; relative dates in --when\n"
     "                     ('next year', 'in November') count from it\n"
     "  --link REL=ID      follows, part-of, supersedes or related (repeatable)\n"
     "  --field NAME=JSON  a user field (text that is not JSON is a string)\n"
     "  --json OBJ         the whole event as a JSON object (strict EDTF)\n"
     "  -                  read the JSON object from standard input\n"
     "  --print-json       print the stored event as JSON instead of a line\n"
     "  --new-value        take a kind, status or actor the store does not\n"
     "                     know yet (else refused with a did-you-mean)\n"
     "  --reason TEXT      why, kept in the history with the change (one line)\n"},
    {"get", cli_cmd_get, "get ID|KEY[@REV] [--json] [--tz ZONE|local]",
     "Show one event: a readable block, or one JSON line with --json.\n"
     "An event with a zone (tz) and a time of day gets a 'local' line: the\n"
     "time as the clock showed it there.  ID@REV shows it as it was at\n"
     "revision REV (attache help show).\n"
     "\n"
     "  --tz ZONE|local    the local time in ZONE, or in display.tz instead\n"
     "  --as-of WHEN       the event as it was at the end of WHEN (2024-01-15, 3d)\n"},
    {"show", cli_cmd_get, "show ID|KEY[@REV] [--json] [--tz ZONE|local]",
     "The same as get.  ID@REV (7@2, cdc-meeting@2) shows the event as it\n"
     "was at revision REV, in get's layout, after a line that says which\n"
     "revision of how many it is and which change replaced it (or that it\n"
     "is current); attache log ID lists the revisions.  A removed event's\n"
     "revisions are shown by its id.  A revision the history lacks is an\n"
     "error that lists those it has (docs/history.md).\n"
     "\n"
     "  --json             the revision as one JSON line, as stored\n"
     "  --tz ZONE|local    the local time in ZONE, or in display.tz instead\n"},
    {"log", cli_cmd_log,
     "log [ID|KEY] [--since WHEN] [--until WHEN] [--author NAME] [--limit N]\n"
     "            [--oldest-first] [--all] [--json]",
     "List the changes to the store, newest first (docs/history.md): for\n"
     "each its number, time (in display.tz), author, what it did to which\n"
     "event and the revision it made, the reason given, then the fields\n"
     "that changed, one a line:\n"
     "    when: 2024-01~/2024-04~ -> 2024-03-12\n"
     "    actors: +KHM -THA\n"
     "A write of more than 5 changes (an import) is shown as one batch:\n"
     "its first 3 changes and how many more.\n"
     "\n"
     "  ID|KEY             only this event's changes (a removed event: its id)\n"
     "  --since WHEN       changes made at or after WHEN: a date or time as a\n"
     "                     person types it (2024-03-01, yesterday) or a time\n"
     "                     back from now (12h, 7d, 2w, 3mo)\n"
     "  --until WHEN       changes made up to the end of WHEN\n"
     "  --author NAME      changes made by NAME\n"
     "  --limit N, -n N    at most N changes\n"
     "  --oldest-first     the oldest first\n"
     "  --all              every change of a batch\n"
     "  --json             JSON Lines, one change a line: seq, batch, tx, op,\n"
     "                     id, rev, author, reason, title, diff (a list of\n"
     "                     {field, old, new})\n"},
    {"changes", cli_cmd_changes, "changes [--since WHEN] [--until WHEN] [--json]",
     "What the changes of a window did, one line per event, for a weekly\n"
     "\"what's new\": added, changed, restored or removed, its title, and the\n"
     "fields that differ between the window's start and its end.  The net\n"
     "effect counts: an event added and then changed is added; one changed\n"
     "and changed back, or added and removed, is not listed.\n"
     "\n"
     "  --since WHEN       the window's start (default 7d: the last week), as\n"
     "                     for log\n"
     "  --until WHEN       its end (default now)\n"
     "  --json             JSON Lines: id, effect, title, changes (their\n"
     "                     numbers), diff (a list of {field, old, new})\n"},
    {"update", cli_cmd_update,
     "update ID|KEY FIELD=VALUE ... | --json PATCH",
     "Change an event.  FIELD is title, when, kind, status, where, notes,\n"
     "key, recur, tz, published, source.title, source.url, source.publisher,\n"
     "source.published or fields.NAME (VALUE is JSON, else a string).\n"
     "\n"
     "  FIELD=            remove an optional field (title and when are required)\n"
     "  actors=A,B        replace the list (likewise tags)\n"
     "  actors+=A         add to the list; actors-=A removes (likewise tags)\n"
     "  people+='N|R|A'   add a person; people-=NAME removes by name\n"
     "  links+=REL=ID     add a link; links-=ID removes the links to ID\n"
     "  when=W            a friendly date; relative forms count from the\n"
     "                    event's source.published, else from today\n"
     "  --json PATCH      a JSON merge patch (RFC 7386) of the event\n"
     "  --print-json      print the stored event as JSON instead of a line\n"
     "  --new-value       take a kind, status or actor the store does not know\n"
     "                    yet; actors are named as for add (Japan: JPN)\n"
     "  --reason TEXT     why, kept in the history with the change (one line)\n"},
    {"rm", cli_cmd_rm, "rm [--force] [--reason TEXT] ID|KEY",
     "Remove an event.  Its id is never reused.  An event that others link\n"
     "to is not removed (the error lists them) unless --force, which drops\n"
     "their links to it in the same change.  --reason TEXT says why, kept in\n"
     "the history (attache restore brings the event back).\n"},
    {"undo", cli_cmd_undo, "undo [--yes | --dry-run] [--reason T]",
     "Reverse your last write (all its changes: the author is yours, as the\n"
     "history records it), as a new write: history is append-only.  Shows\n"
     "what it will reverse, then asks on a terminal.  Your last write being\n"
     "an undo, undo redoes it; to go further back, revert by number\n"
     "(attache log).  Refused, naming it, when a later change touched the\n"
     "same events (docs/history.md).\n"
     "\n"
     "  --yes, -y          do it without asking (required without a terminal)\n"
     "  --dry-run, -n      show what it would do, and change nothing\n"
     "  --reason T         why (default: \"undo of change N\")\n"},
    {"revert", cli_cmd_revert, "revert CHANGE [--batch] [--yes | --dry-run] [--reason T]",
     "Reverse change CHANGE (its number, as attache log shows it) as a new\n"
     "write: an add is undone by removing the event, an update by writing\n"
     "the fields back as they were, a removal by restoring the event.\n"
     "Refused, naming them, when later changes touched the event, when a\n"
     "key it would take back is taken, or when it would bring back a link\n"
     "to a removed event or remove an event others link to.\n"
     "\n"
     "  --batch            reverse the whole write CHANGE belongs to\n"
     "  --yes, -y          do it without asking (required without a terminal)\n"
     "  --dry-run, -n      show what it would do, and change nothing\n"
     "  --reason T         why (default: \"revert of change N\")\n"},
    {"restore", cli_cmd_restore, "restore ID [--yes | --dry-run] [--reason T]",
     "Bring back a removed event with its id, key and own links, at its last\n"
     "state.  Links of other events to it that rm --force dropped are not\n"
     "brought back: restore says which (revert --batch of the removal does).\n"
     "\n"
     "  --yes, -y          do it without asking (required without a terminal)\n"
     "  --dry-run, -n      show what it would do, and change nothing\n"
     "  --reason T         why (default: \"restore of event ID ...\")\n"},
    {"history", cli_cmd_history,
     "history | history prune --before WHEN [--yes | --dry-run] [--reason T]",
     "Alone: from when the store keeps its history (since it was made, or\n"
     "the bound of the last prune).  history prune drops the history before\n"
     "WHEN: the versions that were replaced, and the events that were\n"
     "removed, before then.  Every read as of WHEN or later answers as it\n"
     "did; changes before WHEN can no longer be shown, reverted or restored,\n"
     "nor the store read as of an earlier time.  The prune is itself a change,\n"
     "shown by attache log; it cannot be undone.  Shows what it will drop,\n"
     "then asks on a terminal (docs/history.md).\n"
     "\n"
     "  --before WHEN      a date or time (2024-01-01: from its start) or a time\n"
     "                     back from now (1y, 6mo); not in the future, and later\n"
     "                     than the last prune's\n"
     "  --yes, -y          do it without asking (required without a terminal)\n"
     "  --dry-run, -n      say what it would drop, and change nothing\n"
     "  --reason T         why, kept with the prune's change\n"},
    {"list", cli_cmd_list,
     "list [--from D --to D --actor A --kind K --status S --tag T --text WORDS\n"
     "             --where 'LUA EXPRESSION' --sort FIELD --limit N --no-expand]\n"
     "             [--columns COLS [--edtf] | --json | --csv [--csv-raw]]",
     "List events as a table (id, when, kind, status, title; --columns\n"
     "chooses), coloured on a terminal (attache --help: --color).  Dates\n"
     "are in words (Q3 2024, early 2024, 2024-2028: docs/dates.md), which\n"
     "read back to the same value when typed; --edtf shows the EDTF.\n"
     "\n"
     "  --from D           events that end on or after the start of D\n"
     "  --to D             events that start on or before the end of D\n"
     "  --actor A          events listing A (repeatable: all must match)\n"
     "  --tag T            events tagged T (repeatable: all must match)\n"
     "  --kind K  --status S\n"
     "  --text WORDS       every word in title, notes, where, key or people\n"
     "  --where EXPR       events for which the Lua expression EXPR is true; it\n"
     "                     sees the event as ev and the module as at, e.g.\n"
     "                     'ev:has_actor(\"JPN\") and ev.kind == \"meeting\"' or\n"
     "                     'ev.when < at.date(\"2024\")' (docs/lua-api.md); it\n"
     "                     runs after the other filters, in a sandbox, and\n"
     "                     may read the store but not write it\n"
     "  --sort FIELD       when (default), id, title, created, updated, kind,\n"
     "                     status, key; '-when' sorts descending; text in\n"
     "                     the locale's collation (LC_COLLATE)\n"
     "  --limit N          at most N events (counted after --where)\n"
     "  --columns COLS     the table's columns, e.g. when,kind,status,actors,\n"
     "                     where,title: any field, source.url (and the other\n"
     "                     members of source), place for where\n"
     "  --json             JSON Lines, one event a line\n"
     "  --csv              CSV with a header row (see docs/cli.md); a text cell\n"
     "                     starting with = + - @ (a formula to a spreadsheet)\n"
     "                     gets a ' in front\n"
     "  --csv-raw          with --csv: every cell as stored\n"
     "  --tz ZONE|local    show times of day in ZONE (an IANA zone), or in the\n"
     "                     display.tz setting; default: each event's own tz\n"
     "  --no-expand        the events themselves, not occurrences (below)\n"
     "  --edtf             dates in the table as EDTF (2024-01~/2024-04~), not\n"
     "                     in words (early 2024)\n"
     "  --as-of WHEN       the store as it was at the end of WHEN (2024-01-15,\n"
     "                     '2024-01-15 10:00', yesterday, 3d: docs/history.md)\n"
     "\n"
     "With both --from and --to, a recurring event (recur) is listed once per\n"
     "occurrence in the window, whatever its own date: the occurrence's date,\n"
     "and its id marked 7* (in --json, the event with an \"occurrence\"\n"
     "member).  --csv lists the events as stored (docs/scheduling.md).\n"
     "\n"
     "Text that a terminal would act on (ESC, CR, U+202E, ...) is shown\n"
     "escaped (\\x1b, \\r, \\u202e); --json has the exact text.\n"},
    {"import", cli_cmd_import,
     "import FILE|- [--format json|jsonl|csv] [--csv-raw] [--reason TEXT]",
     "Import events from a JSON array, JSON Lines or CSV with a header row.\n"
     "The format comes from --format, else the file name (.json, .jsonl,\n"
     ".ndjson, .csv), else the content.  Every record is checked first: one\n"
     "bad record and nothing is imported.  ids, rev, created and updated in\n"
     "the input are ignored; the store assigns them.  In CSV, the ' that\n"
     "export puts in front of formula-like cells is dropped; --csv-raw reads\n"
     "every cell as written.  --reason TEXT says why, kept in the history.\n"},
    {"export", cli_cmd_export,
     "export [--format jsonl|json|csv|ics] [-o FILE] [--csv-raw]\n"
     "       [--alarm LEAD ...] [--uid-domain DOMAIN] [FILTERS]",
     "Write every event, by id, to standard output or to FILE (written\n"
     "whole or not at all, mode 0600).  jsonl is the default.  In csv, a\n"
     "text cell starting with = + - @, a tab, CR or LF gets a ' in front\n"
     "(a spreadsheet would run it as a formula); --csv-raw writes every cell\n"
     "as stored.  ics is an iCalendar\n"
     "file for calendar programs (docs/reports.md): --alarm 7d adds a\n"
     "reminder that long before each event (repeatable: 30m, 2h, 1d, 2w,\n"
     "3mo, 1y, '1 month'; docs/scheduling.md, Leads);\n"
     "UIDs are event-ID@attache, or event-ID@DOMAIN with --uid-domain.\n"
     "\n"
     "FILTERS, as for list, choose the events written:\n"
     "  --from D  --to D  --actor A  --tag T  --kind K  --status S\n"
     "  --text WORDS  --where EXPR\n"
     "  --as-of WHEN       the events as they were at the end of WHEN\n"},
    {"actor", cli_cmd_actor,
     "actor add CODE \"Full name\" [--alias NAME ...] | actor list [--json] | actor rm CODE",
     "The store's registry of organisations (STORE/actors.json), which add,\n"
     "update, the --actor filters and at.actor resolve names against:\n"
     "'attache actor add CDC \"Council for the Development of Cambodia\"'\n"
     "makes CDC, cdc and the full name stand for CDC.  Countries need no\n"
     "registering: their ISO 3166 names and codes come from iso-codes.\n"
     "\n"
     "  add CODE NAME      register an organisation: CODE is upper case (A-Z,\n"
     "                     then 0-9 . _ & -), at most 32; neither it, NAME nor\n"
     "                     an alias may name a country or another entry\n"
     "  --alias NAME       another name it is typed as (repeatable)\n"
     "  list [--json]      the registry: code, name, aliases\n"
     "  rm CODE            remove an entry; events keep the code\n"},
    {"silence", cli_cmd_silence,
     "silence add --match F=V[,V] ... [--from WHEN] --until WHEN --reason T |\n"
     "            silence list [--all] [--json] | silence expire ID",
     "Hide alerts for a while (docs/alerts.md, \"Silences\"): an alert due\n"
     "while a silence that matches it holds is logged, marked with the\n"
     "silence, and sent to no output or receiver.  Silences are kept in the\n"
     "store with who made them, when and why, and who ended them early.\n"
     "\n"
     "  add                a new silence\n"
     "  --match F=V[,V]    level, kind, actor, tag or script equal to one of the\n"
     "                     values (repeatable: every field given must match)\n"
     "  --from WHEN        the alerts due from when it holds (default: now)\n"
     "  --until WHEN       when it ends: a date or time (2024-02-01: when that\n"
     "                     day begins) or a time from now (12h, 3d, 2w)\n"
     "  --reason T         why (required)\n"
     "  list               the silences active now, or to come\n"
     "  --all, -a          the ended ones too\n"
     "  --json             JSON Lines: id, match, created, starts, until, author,\n"
     "                     reason, active, expired, expired_by\n"
     "  expire ID          end silence ID now\n"},
    {"user", cli_cmd_user,
     "user add NAME [--role R] | user list [--json] | user token NAME [--feed] |\n"
     "            user role NAME R | user lock|unlock|rm NAME",
     "The users of the store's HTTP API and their tokens (STORE/users.json,\n"
     "docs/http.md).  A token is 256 random bits from the system, printed\n"
     "once, alone on stdout (TOKEN=$(attache user add ana) keeps it); the\n"
     "store keeps only its SHA-256, and nothing shows it again.\n"
     "\n"
     "  add NAME           a new user with an API token; NAME is the author\n"
     "                     their writes are recorded under\n"
     "  --role R           reader (reads only), editor (also writes events) or\n"
     "                     admin (also manages users) (default: reader)\n"
     "  list               name, role, since when, feed token, locked\n"
     "  --json             list as JSON Lines: name, role, created, feed, locked\n"
     "  token NAME         a new API token; the last one stops working\n"
     "  --feed             a feed token instead: it reads only the calendar feed\n"
     "  role NAME R        change a user's role\n"
     "  lock NAME          refuse the user's tokens; unlock NAME accepts them again\n"
     "  rm NAME            remove the user; their tokens stop working\n"},
    {"run", cli_cmd_run, "run [OPTIONS] SCRIPT.lua [ARGS]",
     "Run a Lua script once, in a sandbox (docs/sandbox.md): reports, bulk\n"
     "edits.  `local at = require \"attache\"` gives the API (docs/lua-api.md).\n"
     "The script gets ARGS in `arg` (arg[0] is its path) and as `...`.\n"
     "Options come before SCRIPT; everything after it is the script's.\n"
     "SCRIPT attache:NAME is a report that ships in the program: agenda,\n"
     "timeline (attache run attache:agenda days=14; docs/reports.md).\n"
     "\n"
     "Exit status: 0 when the script returns nothing, true or 0; N when it\n"
     "returns N (0-255) or calls os.exit(N); 1 when it returns false, or\n"
     "raises an error (shown as FILE:LINE: message with a traceback), or\n"
     "exceeds a limit.\n"
     "\n"
     "The store (--store) is opened for writing; a missing store is an error\n"
     "only when the script uses it.  The script cannot run commands, load C\n"
     "modules or binary chunks, or use files outside these directories:\n"
     "\n" SANDBOX_HELP
     "  --given-only       nothing implied: the current directory is not\n"
     "                     readable, no default ./out (as under serve)\n"
     "\n"
     "Alerts (at.alert, docs/alerts.md) are logged in the store and printed\n"
     "on stdout; the config file may also set alert-file, alert-command,\n"
     "alert-timeout, alert-stdout (true or false), and receivers (webhooks,\n"
     "mail: alert-receiver.NAME.OPTION, alert-route, alert-retry-for):\n"
     "\n" ATT_ALERT_OPTIONS_HELP
     "\n"
     "The script's changes are recorded as made by \"USER via SCRIPT.lua\"\n"
     "(USER: ATTACHE_AUTHOR, the setting history.author, the login name).\n"
     "  --as-of WHEN       every read answers as of the end of WHEN, for a\n"
     "                     report as it was then; writes fail (nil, message)\n"},
    {"extract", cli_cmd_extract, "extract FILE|- [--published DATE] [--rules FILE] [--json | --review]",
     "Propose the events a press release or readout reports, for review:\n"
     "meetings, visits, calls, talks, agreements, policies, anniversaries,\n"
     "elections, each with its kind, status, date (EDTF, read against the\n"
     "publication date), actors and place, the sentence it rests on and\n"
     "the words that gave each part (docs/extract.md).  Nothing is written\n"
     "to the store.  The rules are Lua (scripts/extract/rules.lua); at.extract\n"
     "gives the same proposals to a script.\n"
     "\n"
     "  FILE, -            the text (UTF-8); - reads standard input.  Lines\n"
     "                     'URL: ...' and 'Published: YYYY-MM-DD' at its head\n"
     "                     give the source and the publication date\n"
     "  --published DATE   the publication date (default: the text's\n"
     "                     Published line, else today)\n"
     "  --rules FILE       a Lua file returning a table of the rules' tables it\n"
     "                     replaces (triggers, places, adjectives...; docs/extract.md);\n"
     "                     default: ~/.config/attache/extract/rules.lua when there\n"
     "                     is one ($XDG_CONFIG_HOME/attache/extract/rules.lua)\n"
     "  --json             one proposal a line, with its evidence: the\n"
     "                     sentence and the character spans of its words\n"
     "  --review           ask about each proposal on standard input: a accept,\n"
     "                     s skip, e FIELD=VALUE edit, A accept the rest,\n"
     "                     u make the update a known event is offered, q stop;\n"
     "                     then add the accepted ones in one batch, with their\n"
     "                     source and sentence (the text must be a FILE)\n"
     "\n"
     "A proposal that matches an event of the store (same kind, overlapping\n"
     "dates, an actor in common) is shown as already known, with an update\n"
     "when the text is more precise.\n"
     "\n"
     "Exit status: 0 (also when nothing is found), 1 if the text cannot be\n"
     "read or a date is wrong, 2 for a wrong command line.\n"},
    {"check", cli_cmd_check, "check [OPTIONS] SCRIPT.lua ...  |  check --config FILE",
     "Load each script in its own sandbox and run its main chunk (nothing\n"
     "it registers is run), with the store opened read-only.  Prints\n"
     "'ok FILE' for each good script and FILE:LINE: message for each error\n"
     "(on stderr); exit 1 if any script failed.  The config file's alert\n"
     "receivers and routes (docs/alerts.md) are checked too, their secret\n"
     "files and variables read but never shown: 'ok CONFIG (what is\n"
     "configured)', or the key that is wrong, why, and what is accepted.\n"
     "With --config FILE and no script, only the config is checked.\n"
     "Options as for run:\n"
     "\n" SANDBOX_HELP},
    {"alerts", cli_cmd_alerts,
     "alerts [--since D] [--key K] [--json]\n"
     "       alerts --pending|--failed [--key K] [--json]\n"
     "       alerts retry ID...|--all",
     "List the alerts that fired (the store's alert log), oldest first: one\n"
     "line each, as the daemon printed it, with its key.  A key fires once,\n"
     "across restarts, unless its rule asks for repeats (docs/alerts.md).\n"
     "\n"
     "  --since D          alerts due on or after D: a date as a person types\n"
     "                     it (2024-06, '1 March 2024', 'last month') or a time\n"
     "                     back from now (30m, 12h, 7d, 2w, 3mo, 1y)\n"
     "  --key K            only the alerts with key K\n"
     "  --json             JSON Lines, one alert a line, as in the log:\n"
     "                     at, key, level, title, body, event, script, late\n"
     "\n"
     "Alerts reach receivers (webhooks, mail; alert-receiver.NAME.OPTION in\n"
     "the config file) through the store's outbox: each delivery is recorded,\n"
     "then tried, and retried with backoff until the receiver acknowledges\n"
     "or alert-retry-for has passed.\n"
     "\n"
     "  --pending          the deliveries still to be made: id, receiver,\n"
     "                     attempts, next try, last error\n"
     "  --failed           the deliveries that gave up (both: either)\n"
     "  retry ID...        queue failed deliveries again; the daemon makes\n"
     "                     them at once, with a new retry period\n"
     "  --all              with retry: every failed delivery\n"
     "\n"
     "Exit status: 0 (also when nothing matches), 1 if the store, its\n"
     "alert log or outbox cannot be read or a delivery to retry is unknown\n"
     "or has not failed, 2 for a wrong command line.\n"},
    {"serve", cli_cmd_serve,
     "serve [--scripts DIR] [--now T --until T2 | --once] [OPTIONS]",
     "Run the daemon (docs/daemon.md): load every *.lua of the scripts\n"
     "directory, each in its own sandbox, in name order, and run what they\n"
     "register: schedules (at.every, at.cron, at.at), rules (at.on) and\n"
     "reminders (at.remind).  A script that is changed, added or deleted\n"
     "takes effect without a restart; a new version that fails to load is\n"
     "reported and the previous one keeps running.  SIGHUP reloads every\n"
     "script; SIGINT and SIGTERM finish the current callback and exit 0.\n"
     "Other processes' changes to the store are seen within a second.  One\n"
     "daemon per store (STORE/daemon.lock).\n"
     "\n"
     "  --scripts DIR      the scripts (default $ATTACHE_SCRIPTS, else\n"
     "                     $XDG_CONFIG_HOME/attache/scripts, else\n"
     "                     ~/.config/attache/scripts)\n"
     "  --now T --until T2 run on a simulated clock from T to T2 (RFC 3339\n"
     "                     or a date: --until 2024 ends at its last second)\n"
     "                     as fast as the work allows, then exit\n"
     "  --once             run what is due now (and what was missed since the\n"
     "                     last run, within the grace) and exit: for cron\n"
     "  --grace D          make up work missed while the daemon was down, at\n"
     "                     most D back (default 1d; 0: none), marked late\n"
     "  --no-state         neither read nor write STORE/daemon.state (the last\n"
     "                     instant processed): nothing is made up\n"
     "  --rule-depth N     changes made by rules fire rules up to N deep\n"
     "                     (default 8)\n"
     "  --log-json         log JSON Lines on stderr\n"
     "  --quiet, -q        log errors only\n"
     "  --verbose, -v      log debug lines too (each run, tracebacks)\n"
     "  --listen ADDR      serve the HTTP API on HOST:PORT (port 0: any free\n"
     "                     one, logged) or unix:PATH; repeatable (docs/http.md)\n"
     "  --insecure         plain HTTP off loopback too (use a TLS proxy instead)\n"
     "  --behind-proxy     a local peer's X-Real-IP is the client's address\n"
     "  --reports DIR      reports for GET /v1/reports/NAME (SCRIPTS/reports)\n"
     "  --request-timeout D  time for a request to arrive (default 10s)\n"
     "  --max-connections N  HTTP connections at once (default 10000)\n"
     "  --rate-limit N     requests a second per user (default 20; 3N at once)\n"
     "  --slow-log MS      log requests that hold the loop over MS ms (10)\n"
     "\n"
     "The log (stderr) has a line per event: time (the engine's clock),\n"
     "level, script, message; a summary at exit.  Sandbox options, as\n"
     "for run (they apply to every script, each call), except that nothing\n"
     "is implied: the scripts directory is readable, and only --read, --out\n"
     "and --write add to it (not the current directory, no ./out):\n"
     "\n" SANDBOX_HELP "\n" ATT_ALERT_OPTIONS_HELP},
    {"compact", cli_cmd_compact, "compact",
     "Fold the journal into a new snapshot now.  Writers do it by themselves\n"
     "when the journal holds 4096 records or 16 MiB (the daemon runs this\n"
     "command in a child process, so that its loop never waits on it).\n"
     "Other writers wait while it runs; readers do not.\n"},
    {"fsck", cli_cmd_fsck, "fsck [--salvage DIR]",
     "Check every record of the store (each by its checksum) and report\n"
     "what is intact and what is damaged; exit 0 if intact, 1 if damaged.\n"
     "The store is only read.\n"
     "\n"
     "  --salvage DIR      copy every intact event, with its id, into a new\n"
     "                     store at DIR (which must not exist) and report\n"
     "                     what could not be saved\n"},
    {"config", cli_cmd_config,
     "config [KEY [VALUE]] | --list | --unset KEY | --add|--remove KEY ITEM",
     "Read or change the store's settings (STORE/settings.json,\n"
     "docs/settings.md).  Alone: every setting with its value and help.\n"
     "\n"
     "  KEY                print its value (or its default)\n"
     "  KEY VALUE          set it; a bad key or value is refused, naming what\n"
     "                     is accepted, and nothing changes\n"
     "  --list, -l         KEY=VALUE for each setting that is set\n"
     "  --unset KEY        back to the default\n"
     "  --add KEY ITEM     add an item to a list (vocab.kinds, vocab.statuses);\n"
     "                     --remove KEY ITEM takes one out\n"
     "\n"
     "  date.fiscal-start  the month fiscal years start: 1-12 or a name (4)\n"
     "  date.fiscal-name   start: FY2024 starts in 2024 (Japan); end: it ends\n"
     "                     in 2024 (US) (start)\n"
     "  date.hemisphere    north or south: what 'autumn 2024' means (unset)\n"
     "  date.day-first     yes: 05/04/2024 is 5 April; no: May 4; unset:\n"
     "                     refused as ambiguous (unset)\n"
     "  display.tz         your IANA time zone, for --tz local (UTC)\n"
     "  vocab.kinds        kinds this store adds, a list: summit,retreat\n"
     "  vocab.statuses     statuses this store adds, a list\n"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const cli_command *find_command(const char *name) {
  size_t i;
  for (i = 0; i < NCOMMANDS; i++)
    if (strcmp(commands[i].name, name) == 0) return &commands[i];
  return NULL;
}

/* "init, add, ...": the commands of the table, for messages. */
static const char *command_names(char *buf, size_t cap) {
  size_t i, n = 0;
  buf[0] = '\0';
  for (i = 0; i < NCOMMANDS && n < cap; i++)
    n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? ", " : "", commands[i].name);
  return buf;
}

static void overview(FILE *f) {
  size_t i;
  fprintf(f,
          "usage: attache [--store DIR] COMMAND [ARGS]\n"
          "\n"
          "Track diplomatic events, with dates as precise as the sources.\n"
          "\n"
          "commands:\n");
  for (i = 0; i < NCOMMANDS; i++) fprintf(f, "  %s\n", commands[i].synopsis);
  fprintf(f,
          "\n"
          "global options:\n"
          "  --store DIR   the store (else $ATTACHE_STORE, else\n"
          "                $XDG_DATA_HOME/attache, else ~/.local/share/attache)\n"
          "  --help, -h    help (also: attache help COMMAND, attache COMMAND -h)\n"
          "  --version     print the version\n"
          "  --color[=WHEN]  colour in tables: auto (the default: on a terminal,\n"
          "                unless NO_COLOR is set), always, never\n"
          "\n"
          "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

int cli_help(const char *cmd, FILE *f) {
  const cli_command *c;
  if (cmd == NULL) {
    overview(f);
    return 0;
  }
  c = find_command(cmd);
  if (c == NULL) return -1;
  fprintf(f, "usage: attache [--store DIR] %s\n\n%s", c->synopsis, c->help);
  fprintf(f, "  --store DIR        use this store\n"
             "  --help, -h         this help\n");
  return 0;
}

int cli_usage(cli_ctx *ctx, const char *fmt, ...) {
  const cli_command *c = ctx && ctx->cmd ? find_command(ctx->cmd) : NULL;
  va_list ap;
  char prefix[64];
  snprintf(prefix, sizeof prefix, "attache%s%s: ", c ? " " : "", c ? c->name : "");
  va_start(ap, fmt);
  cli_vsay(prefix, fmt, ap); /* escaped: the message quotes what was typed */
  va_end(ap);
  if (c)
    fprintf(stderr, "usage: attache %s\nTry 'attache help %s'.\n", c->synopsis,
            c->name);
  else
    fprintf(stderr, "Try 'attache --help'.\n");
  return CLI_USAGE;
}

/* The store directory when --store is not given; NULL if none can be
 * made (no HOME). */
static const char *default_store(char *buf, size_t cap) {
  const char *s = getenv("ATTACHE_STORE");
  if (s && *s) return s;
  s = getenv("XDG_DATA_HOME");
  if (s && *s) {
    snprintf(buf, cap, "%s/attache", s);
    return buf;
  }
  s = getenv("HOME");
  if (s && *s) {
    snprintf(buf, cap, "%s/.local/share/attache", s);
    return buf;
  }
  return NULL;
}

int main(int argc, char **argv) {
  static char defbuf[4096], names[512];
  cli_ctx ctx;
  const cli_command *c;
  const char *store = NULL;
  int i;

  memset(&ctx, 0, sizeof ctx);
  setlocale(LC_COLLATE, ""); /* list --sort title: the user's collation */
  ctx.out_tty = isatty(1);
  ctx.err_tty = isatty(2);
  ctx.argv = argv;
  att_daemon_lua_extend(); /* at.every, at.on...: in every script's module */

  /* Global options come before the command; --store may also follow it
   * (every command's parser knows it). */
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if ((strcmp(a, "--store") == 0 || strncmp(a, "--store=", 8) == 0) && ctx.store_given++) {
      return cli_usage(&ctx, "--store given twice (one store a command)");
    } else if (strcmp(a, "--store") == 0) {
      if (i + 1 >= argc) return cli_usage(&ctx, "--store needs a directory");
      store = argv[++i];
    } else if (strncmp(a, "--store=", 8) == 0) {
      store = a + 8;
    } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      overview(stdout);
      return CLI_OK;
    } else if (strcmp(a, "--version") == 0) {
      printf("attache %s\n", ATT_VERSION);
      return CLI_OK;
    } else if (strcmp(a, "--color") == 0 || strncmp(a, "--color=", 8) == 0) {
      if (cli_color_opt(&ctx, a[7] ? a + 8 : NULL) != CLI_OK) return CLI_USAGE;
    } else if (a[0] == '-' && a[1] != '\0') {
      return cli_usage(&ctx, "unknown option '%s' (before the command, only "
                             "--store, --color, --help and --version are accepted)",
                       a);
    } else {
      break;
    }
  }
  if (i >= argc) {
    overview(stderr);
    return CLI_USAGE;
  }
  if (store != NULL && *store == '\0')
    return cli_usage(&ctx, "--store needs a directory, got an empty string");
  ctx.store_dir = store ? store : default_store(defbuf, sizeof defbuf);

  if (strcmp(argv[i], "__complete") == 0) /* hidden: for completion/ */
    return cli_cmd_complete(&ctx, argc - i, argv + i);
  if (strcmp(argv[i], "__read") == 0) /* hidden: the daemon's reader (daemon_reader.c) */
    return att__reader_main(ctx.store_dir);
  if (strcmp(argv[i], "help") == 0) {
    if (i + 1 >= argc || strcmp(argv[i + 1], "--help") == 0 ||
        strcmp(argv[i + 1], "-h") == 0) {
      overview(stdout);
      return CLI_OK;
    }
    if (cli_help(argv[i + 1], stdout) != 0)
      return cli_usage(&ctx, "no command '%s' (commands: %s)", argv[i + 1],
                       command_names(names, sizeof names));
    return CLI_OK;
  }
  c = find_command(argv[i]);
  if (c == NULL) {
    return cli_usage(&ctx, "unknown command '%s' (commands: %s, help)", argv[i],
                     command_names(names, sizeof names));
  }
  ctx.cmd = c->name;
  {
    int rc;
    cli_ctx_begin(&ctx);
    rc = c->fn(&ctx, argc - i, argv + i);
    cli_ctx_end(&ctx);
    return rc;
  }
}
