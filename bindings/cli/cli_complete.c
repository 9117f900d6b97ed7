/*
 * `attache __complete WORD...`: the candidates for the last word of a
 * command line, one a line, for the bash and zsh completion scripts
 * (completion/).  WORDs are the words after `attache`, the last one the
 * word being completed (empty for a new word).  Hidden: not in the help.
 *
 * The commands and each command's options come from the help texts
 * (cli_help), so that completion and help never disagree; kinds and
 * statuses from the documented lists and the store; actors, tags and keys
 * from the store (read-only, never waiting for a writer).  Nothing is
 * printed when the shell should complete a file name instead, and no
 * error ever: a completion must not disturb the command line.
 */
#include "cli.h"
#include "outbox.h"
#include "vocab.h"

#include <stdlib.h>
#include <string.h>

/* ---- candidates ----------------------------------------------------------- */

typedef struct cands {
  const char *prefix; /* of the word being completed */
  const char *lead;   /* put before each candidate ("kind=", "a,b,") */
  char **v;
  size_t n, cap;
} cands;

/* One candidate, if it matches the word and was not given already. */
static void cand(cands *c, const char *s) {
  size_t ll = strlen(c->lead), i;
  char *full;
  if (s == NULL || *s == '\0') return;
  if (strncmp(s, c->prefix + ll, strlen(c->prefix) - ll) != 0) return;
  if ((full = malloc(ll + strlen(s) + 1)) == NULL) return;
  memcpy(full, c->lead, ll);
  strcpy(full + ll, s);
  for (i = 0; i < c->n; i++)
    if (strcmp(c->v[i], full) == 0) {
      free(full);
      return;
    }
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 64;
    char **nv = realloc(c->v, cap * sizeof *nv);
    if (nv == NULL) {
      free(full);
      return;
    }
    c->v = nv;
    c->cap = cap;
  }
  c->v[c->n++] = full;
}

static void cand_list(cands *c, const char *const *list) {
  for (; *list; list++) cand(c, *list);
}

static int cand_cb(void *ud, const char *value) {
  cand(ud, value);
  return 0;
}

/* ---- what the help says ----------------------------------------------------- */

/* The help of cmd (NULL: the overview), malloc'd. */
static char *help_text(const char *cmd) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (f == NULL) return NULL;
  if (cli_help(cmd, f) != 0) {
    fclose(f);
    free(buf);
    return NULL;
  }
  fclose(f);
  return buf;
}

/* The commands: the first word of each line under "commands:". */
static void commands(cands *c) {
  char *h = help_text(NULL), *p, *l;
  if (h == NULL) return;
  p = strstr(h, "\ncommands:\n");
  /* until the blank line; deeper lines continue a synopsis */
  for (l = p ? p + 11 : NULL; l && *l == ' ';) {
    char *e = l + 2, *nl = strchr(l, '\n');
    char save;
    if (l[1] == ' ' && l[2] != ' ') {
      while (*e && *e != ' ' && *e != '\n') e++;
      save = *e;
      *e = '\0';
      cand(c, l + 2);
      *e = save;
    }
    l = nl ? nl + 1 : NULL;
  }
  free(h);
}

/* Every long option the help of cmd names (NULL: the global ones). */
static void options(cands *c, const char *cmd) {
  char *h = help_text(cmd), *p;
  if (h == NULL) return;
  if (cmd == NULL && (p = strstr(h, "global options:")) != NULL) memmove(h, p, strlen(p) + 1);
  for (p = h; (p = strstr(p, "--")) != NULL;) {
    char *e = p + 2, save;
    while ((*e >= 'a' && *e <= 'z') || (*e >= '0' && *e <= '9') || *e == '-') e++;
    if (e > p + 2 && (p == h || p[-1] == ' ' || p[-1] == '[' || p[-1] == '|' || p[-1] == '\n')) {
      save = *e;
      *e = '\0';
      cand(c, p);
      *e = save;
    }
    p = e;
  }
  free(h);
}

/* ---- from the store --------------------------------------------------------- */

static void store_values(att_store *st, cands *c, att_vocab_field f) {
  if (st) att_store_values(st, f, cand_cb, c);
}

static void keys(att_store *st, cands *c) {
  att_query q;
  int64_t *ids = NULL;
  size_t n = 0, i;
  if (st == NULL) return;
  att_query_init(&q);
  if (att_store_query(st, &q, &ids, &n) < 0) return;
  for (i = 0; i < n; i++) {
    att_event ev;
    att_event_init(&ev);
    if (att_store_get(st, ids[i], &ev) == 0) cand(c, ev.key);
    att_event_free(&ev);
  }
  free(ids);
}

/* ---- the command line ------------------------------------------------------- */

/* Does option opt of cmd take a value?  The help writes "--opt VALUE" or
 * "--opt a|b|c". */
static int takes_value(const char *cmd, const char *opt) {
  char *h = help_text(cmd), *p;
  size_t l = strlen(opt);
  int yes = 0;
  if (h == NULL) return 0;
  for (p = h; !yes && (p = strstr(p, opt)) != NULL; p += l) {
    size_t w = p[l] == ' ' ? strcspn(p + l + 1, " ]\n") : 0;
    if (p[l] == ' ' && p[l + 1] >= 'A' && p[l + 1] <= 'Z') yes = 1;
    else if (w > 0 && memchr(p + l + 1, '|', w)) yes = 1;
  }
  free(h);
  return yes;
}

static void values(att_store *st, cands *c, const char *cmd, const char *opt) {
  static const char *const colors[] = {"auto", "always", "never", NULL};
  static const char *const formats_import[] = {"jsonl", "json", "csv", NULL};
  static const char *const formats_export[] = {"jsonl", "json", "csv", "ics", NULL};
  if (strcmp(opt, "--kind") == 0) {
    cand_list(c, att_known_kinds);
    store_values(st, c, ATT_VOCAB_KIND);
  } else if (strcmp(opt, "--status") == 0) {
    cand_list(c, att_known_statuses);
    store_values(st, c, ATT_VOCAB_STATUS);
  } else if (strcmp(opt, "--actor") == 0) {
    store_values(st, c, ATT_VOCAB_ACTOR);
  } else if (strcmp(opt, "--tag") == 0) {
    store_values(st, c, ATT_VOCAB_TAG);
  } else if (strcmp(opt, "--key") == 0) {
    if (strcmp(cmd, "add") != 0) keys(st, c);
  } else if (strcmp(opt, "--sort") == 0) {
    cand_list(c, cli_sort_names);
  } else if (strcmp(opt, "--columns") == 0) {
    const char *comma = strrchr(c->prefix, ',');
    char lead[256];
    size_t i;
    if (comma && (size_t)(comma - c->prefix) < sizeof lead - 1) {
      memcpy(lead, c->prefix, (size_t)(comma - c->prefix) + 1);
      lead[comma - c->prefix + 1] = '\0';
      c->lead = lead;
    }
    for (i = 0; cli_column_name(i); i++) cand(c, cli_column_name(i));
    if (c->lead == lead) c->lead = ""; /* lead lives in this frame only */
  } else if (strcmp(opt, "--format") == 0) {
    cand_list(c, strcmp(cmd, "import") == 0 ? formats_import : formats_export);
  } else if (strcmp(opt, "--color") == 0) {
    cand_list(c, colors);
  }
}

/* update ID FIELD=VALUE: the fields, then a kind or status after "=". */
static void update_operand(att_store *st, cands *c) {
  static const char *const fields[] = {
      "title=", "when=", "kind=", "status=", "where=", "notes=", "key=", "recur=", "published=",
      "actors=", "actors+=", "actors-=", "tags=", "tags+=", "tags-=", "people+=", "people-=",
      "links+=", "links-=", "source.title=", "source.url=", "source.publisher=",
      "source.published=", NULL};
  if (strncmp(c->prefix, "kind=", 5) == 0) {
    c->lead = "kind=";
    values(st, c, "update", "--kind");
  } else if (strncmp(c->prefix, "status=", 7) == 0) {
    c->lead = "status=";
    values(st, c, "update", "--status");
  } else if (strncmp(c->prefix, "actors+=", 8) == 0 || strncmp(c->prefix, "actors-=", 8) == 0) {
    c->lead = c->prefix[6] == '+' ? "actors+=" : "actors-=";
    values(st, c, "update", "--actor");
  } else if (strncmp(c->prefix, "tags+=", 6) == 0 || strncmp(c->prefix, "tags-=", 6) == 0) {
    c->lead = c->prefix[4] == '+' ? "tags+=" : "tags-=";
    values(st, c, "update", "--tag");
  } else {
    cand_list(c, fields);
  }
}

/* `alerts retry ID`: the ids of the failed deliveries of the outbox. */
static void failed_ids(const char *dir, cands *c) {
  att_outbox *ob = NULL;
  size_t i;
  if (!dir || att_outbox_open(dir, 1, NULL, NULL, &ob) != 0) return;
  for (i = 0; i < att_outbox_count(ob); i++)
    if (att_outbox_at(ob, i)->state == ATT_DLV_FAILED) cand(c, att_outbox_at(ob, i)->id);
  att_outbox_close(ob);
}

int cli_cmd_complete(cli_ctx *ctx, int argc, char **argv) {
  cands c;
  const char *cmd = NULL, *prev = NULL, *cur;
  att_store *st = NULL;
  att_store_opts so;
  int i, nops = 0;
  size_t k;
  memset(&c, 0, sizeof c);
  c.lead = "";
  if (argc < 2) return CLI_OK;
  cur = argv[argc - 1];
  c.prefix = cur;
  /* The words before the current one: global options, the command, its
   * options and operands. */
  for (i = 1; i < argc - 1; i++) {
    const char *w = argv[i];
    if (strcmp(w, "--store") == 0 && i + 1 < argc - 1) {
      ctx->store_dir = argv[++i];
    } else if (strncmp(w, "--store=", 8) == 0) {
      ctx->store_dir = w + 8;
    } else if (w[0] == '-' && w[1]) {
      if (cmd && strchr(w, '=') == NULL && takes_value(cmd, w) && i + 1 < argc - 1) i++;
    } else if (cmd == NULL) {
      cmd = w;
    } else {
      nops++;
    }
  }
  prev = argc >= 3 ? argv[argc - 2] : NULL;
  memset(&so, 0, sizeof so);
  so.flags = ATT_OPEN_READ;
  if (ctx->store_dir && att_store_open(ctx->store_dir, &so, &st) < 0) st = NULL;

  if (strncmp(cur, "--", 2) == 0 && strchr(cur, '=')) {
    /* --opt=VALUE */
    char opt[64];
    size_t l = (size_t)(strchr(cur, '=') - cur);
    if (l < sizeof opt) {
      char lead[80];
      memcpy(opt, cur, l);
      opt[l] = '\0';
      snprintf(lead, sizeof lead, "%s=", opt);
      c.lead = lead;
      values(st, &c, cmd ? cmd : "", opt);
      c.lead = "";
    }
  } else if (cmd == NULL) {
    if (cur[0] == '-') options(&c, NULL), cand(&c, "--help"), cand(&c, "--version");
    else commands(&c), cand(&c, "help");
  } else if (prev && prev[0] == '-' && prev[1] && strchr(prev, '=') == NULL &&
             takes_value(cmd, prev)) {
    values(st, &c, cmd, prev);
  } else if (cur[0] == '-') {
    options(&c, cmd);
    cand(&c, "--color");
  } else if (strcmp(cmd, "help") == 0) {
    if (nops == 0) commands(&c);
  } else if (strcmp(cmd, "history") == 0) {
    if (nops == 0) cand(&c, "prune");
  } else if (strcmp(cmd, "silence") == 0) {
    static const char *const subs[] = {"add", "list", "expire", NULL};
    if (nops == 0) cand_list(&c, subs);
  } else if (strcmp(cmd, "user") == 0) {
    static const char *const subs[] = {"add", "list", "token", "role", "lock", "unlock", "rm", NULL};
    if (nops == 0) cand_list(&c, subs);
  } else if (strcmp(cmd, "get") == 0 || strcmp(cmd, "rm") == 0) {
    if (nops == 0) keys(st, &c);
  } else if (strcmp(cmd, "update") == 0) {
    if (nops == 0) keys(st, &c);
    else update_operand(st, &c);
  } else if (strcmp(cmd, "alerts") == 0) {
    if (nops == 0) cand(&c, "retry");
    else if (st) failed_ids(ctx->store_dir, &c);
  }
  for (k = 0; k < c.n; k++) {
    puts(c.v[k]);
    free(c.v[k]);
  }
  free(c.v);
  if (st) att_store_close(st);
  return CLI_OK;
}
