/*
 * Receivers and routes of alerts, from the config file:
 *
 *   alert-receiver.NAME.type = webhook | email
 *   alert-receiver.NAME.OPTION = VALUE     (options below)
 *   alert-route = level=urgent,warn kind=meeting -> ops, mail
 *   alert-retry-for = 24h                  (and alert-retry-first, -max)
 *
 * Lines are taken one by one (att__conf_set: the option names are checked
 * there, so a typo is reported with its file and line), then built and
 * checked as a whole (att__conf_build): each receiver has what its type
 * needs, its secrets can be read, each route names receivers that exist.
 * Secrets (a password, a webhook URL that carries a token, a bearer
 * token) come from a file (password-file, url-file, token-file) or the
 * environment (password-env, url-env, token-env) and never appear in a
 * message: URLs are shown as scheme://host:port/..., and the messages of
 * libcurl are scrubbed of every secret (att__conf_scrub).
 */
#include "alert_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "curl_dl.h"
#include "duration.h"
#include "error.h"
#include "names.h"

/* The options of a receiver; the value of the type says which apply. */
static const char *const recv_opts[] = {
    "type",     "url",           "url-file",     "url-env",  "template", "timeout",
    "token-file", "token-env",   "from",         "to",       "username", "password-file",
    "password-env", "starttls",  "group-wait", NULL};

#define RECV_PREFIX "alert-receiver."

/* ---- one line --------------------------------------------------------------- */

static int name_ok(const char *s, size_t n) {
  size_t i;
  if (n == 0 || n > 40 || !(s[0] >= 'a' && s[0] <= 'z')) return 0;
  for (i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-')) return 0;
  return 1;
}

static int push_pair(att_alert_outputs *o, const char *k, const char *v) {
  char **c = realloc(o->conf, (o->nconf + 1) * 2 * sizeof *c);
  if (!c) return att__err(ATT_ENOMEM, "out of memory");
  o->conf = c;
  if (!(c[o->nconf * 2] = strdup(k)) || !(c[o->nconf * 2 + 1] = strdup(v))) {
    free(c[o->nconf * 2]);
    return att__err(ATT_ENOMEM, "out of memory");
  }
  o->nconf++;
  return 1;
}

int att__conf_set(att_alert_outputs *o, const char *k, const char *v) {
  if (!strncmp(k, RECV_PREFIX, sizeof RECV_PREFIX - 1)) {
    const char *name = k + sizeof RECV_PREFIX - 1, *dot = strchr(name, '.');
    size_t i;
    if (!dot || !name_ok(name, (size_t)(dot - name)))
      return att__err(ATT_EINVAL, "%s: expected alert-receiver.NAME.OPTION, NAME made of "
                                  "lowercase letters, digits and '-' (from a letter)", k);
    for (i = 0; recv_opts[i]; i++)
      if (!strcmp(dot + 1, recv_opts[i])) break;
    if (!recv_opts[i])
      return att__err(ATT_EINVAL, "%s: unknown option '%s' (known: type, url, url-file, url-env, "
                                  "template, timeout, group-wait, token-file, token-env, from, to, "
                                  "username, password-file, password-env, starttls)", k, dot + 1);
    if (!strcmp(dot + 1, "password") || !v[0]) return att__err(ATT_EINVAL, "%s needs a value", k);
    return push_pair(o, k, v);
  }
  if (!strcmp(k, "alert-receiver"))
    return att__err(ATT_EINVAL, "alert-receiver: expected alert-receiver.NAME.OPTION = VALUE, "
                                "e.g. alert-receiver.ops.type = webhook");
  if (!strcmp(k, "alert-route") || !strcmp(k, "alert-retry-for") ||
      !strcmp(k, "alert-retry-first") || !strcmp(k, "alert-retry-max"))
    return push_pair(o, k, v);
  return 0;
}

/* ---- values ----------------------------------------------------------------- */

/* 90, 90s, 30m, 12h, 2d, 1w: seconds; -1 when not one. */
static att_time parse_span(const char *s) {
  char *end;
  long long v;
  if (*s < '0' || *s > '9') return -1;
  errno = 0;
  v = strtoll(s, &end, 10);
  if (errno || v < 0 || v > 100000000) return -1;
  switch (*end) {
  case '\0': case 's': break;
  case 'm': v *= 60; break;
  case 'h': v *= 3600; break;
  case 'd': v *= 86400; break;
  case 'w': v *= 7 * 86400; break;
  default: return -1;
  }
  if (*end && end[1]) return -1;
  return (att_time)v;
}

/* The file's first line, without its line feed: the secret. */
static int read_secret_file(const char *what, const char *path, char **out) {
  FILE *f = fopen(path, "r");
  char buf[4096];
  size_t n;
  if (!f) return att__err(ATT_EINVAL, "%s: cannot read the file %s: %s", what, path, strerror(errno));
  n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  buf[strcspn(buf, "\r\n")] = '\0';
  if (!buf[0]) return att__err(ATT_EINVAL, "%s: the file %s is empty (the secret is its first line)", what, path);
  if (!(*out = strdup(buf))) return att__err(ATT_ENOMEM, "out of memory");
  return 0;
}

static int read_secret_env(const char *what, const char *var, char **out) {
  const char *v = getenv(var);
  if (!v || !v[0]) return att__err(ATT_EINVAL, "%s: the environment variable %s is not set (or empty)", what, var);
  if (!(*out = strdup(v))) return att__err(ATT_ENOMEM, "out of memory");
  return 0;
}

/* A secret from VALUE, FILE or ENV (at most one given). */
static int secret(const char *name, const char *opt, const char *val, const char *file,
                  const char *env, int required, char **out) {
  char what[96];
  int n = (val != NULL) + (file != NULL) + (env != NULL);
  snprintf(what, sizeof what, "alert-receiver.%s", name);
  *out = NULL;
  if (n > 1) return att__err(ATT_EINVAL, "%s: give one of %s, %s-file and %s-env, not %d", what, opt, opt, opt, n);
  if (n == 0)
    return required ? att__err(ATT_EINVAL, "%s: %s is missing; give %s, %s-file FILE or %s-env VARIABLE",
                               what, opt, opt, opt, opt)
                    : 0;
  if (file) return read_secret_file(what, file, out);
  if (env) return read_secret_env(what, env, out);
  return (*out = strdup(val)) ? 0 : att__err(ATT_ENOMEM, "out of memory");
}

/* Check a URL with libcurl's own parser: its scheme among `schemes`, a
 * host, no user or password in it; the shown form; loopback or not. */
static int check_url(const char *what, const char *url, const char *const *schemes, char **shown,
                     int *loopback, int *implicit_tls) {
  CURLU *u;
  char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL, *path = NULL, *query = NULL;
  int rc = 0, i, ok = 0;
  size_t n;
  if ((rc = att__curl_load()) != 0) return rc;
  if (!(u = curl_url())) return att__err(ATT_ENOMEM, "out of memory");
  if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
    rc = att__err(ATT_EINVAL, "%s: the URL cannot be read; expected %s://HOST[:PORT]/...", what, schemes[0]);
    goto done;
  }
  for (i = 0; schemes[i]; i++) ok |= !strcmp(scheme, schemes[i]);
  if (!ok) {
    rc = att__err(ATT_EINVAL, "%s: a URL of scheme %s; expected %s%s%s", what, scheme, schemes[0],
                  schemes[1] ? " or " : "", schemes[1] ? schemes[1] : "");
    goto done;
  }
  if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
    rc = att__err(ATT_EINVAL, "%s: the URL carries a user name or password; give them as "
                              "username and password-file (or password-env) instead", what);
    goto done;
  }
  curl_url_get(u, CURLUPART_PORT, &port, 0);
  curl_url_get(u, CURLUPART_PATH, &path, 0);
  curl_url_get(u, CURLUPART_QUERY, &query, 0);
  n = strlen(scheme) + strlen(host) + (port ? strlen(port) : 0) + 16;
  if (!(*shown = malloc(n))) {
    rc = att__err(ATT_ENOMEM, "out of memory");
    goto done;
  }
  snprintf(*shown, n, "%s://%s%s%s/%s", scheme, host, port ? ":" : "", port ? port : "",
           (path && strcmp(path, "/")) || query ? "..." : "");
  if (loopback)
    *loopback = !strcmp(host, "localhost") || !strncmp(host, "127.", 4) || !strcmp(host, "[::1]");
  if (implicit_tls) *implicit_tls = !strcmp(scheme, "smtps") || !strcmp(scheme, "https");
done:
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  curl_free(user);
  curl_free(path);
  curl_free(query);
  curl_url_cleanup(u);
  return rc;
}

/* ---- a receiver ---------------------------------------------------------------- */

/* The value of option opt of receiver name, the last one given; NULL. */
static const char *opt_of(const att_alert_outputs *o, const char *name, const char *opt) {
  const char *v = NULL;
  size_t i, nl = strlen(name);
  for (i = 0; i < o->nconf; i++) {
    const char *k = o->conf[2 * i];
    if (strncmp(k, RECV_PREFIX, sizeof RECV_PREFIX - 1)) continue;
    k += sizeof RECV_PREFIX - 1;
    if (!strncmp(k, name, nl) && k[nl] == '.' && !strcmp(k + nl + 1, opt)) v = o->conf[2 * i + 1];
  }
  return v;
}

static void recv_free(att__recv *r) {
  size_t i;
  free(r->name);
  free(r->url);
  free(r->shown);
  free(r->token);
  free(r->from);
  for (i = 0; i < r->nto; i++) free(r->to[i]);
  free(r->to);
  free(r->username);
  free(r->password);
  memset(r, 0, sizeof *r);
}

/* An address as SMTP takes it: no spaces, controls, <>, commas; one @. */
static int address_ok(const char *a) {
  const char *at = strchr(a, '@');
  if (!at || at == a || !at[1] || strchr(at + 1, '@')) return 0;
  for (; *a; a++)
    if ((unsigned char)*a <= ' ' || strchr("<>,;\"()[]\\", *a) || *a == 127) return 0;
  return 1;
}

static int build_recv(const att_alert_outputs *o, att__recv *r) {
  static const char *const http[] = {"https", "http", NULL}, *const smtp[] = {"smtp", "smtps", NULL};
  const char *type = opt_of(o, r->name, "type"), *v;
  char what[80];
  int rc, loop = 0, tls = 0;
  snprintf(what, sizeof what, "alert-receiver.%s", r->name);
  if (!type) return att__err(ATT_EINVAL, "%s: type is missing; expected %s.type = webhook or email", what, what);
  if (!strcmp(type, "webhook")) r->type = ATT__RECV_WEBHOOK;
  else if (!strcmp(type, "email")) r->type = ATT__RECV_EMAIL;
  else return att__err(ATT_EINVAL, "%s.type '%s': expected webhook or email", what, type);
  r->timeout = ATT__RECV_TIMEOUT_DEFAULT;
  if ((v = opt_of(o, r->name, "timeout"))) {
    double t = 0;
    if (att_seconds_read(v, &t) != 0 || !(t > 0 && t <= 3600))
      return att__err(ATT_EINVAL, "%s.timeout '%s': expected seconds, more than 0 and at most 3600, e.g. 10 or 2.5", what, v);
    r->timeout = t;
  }
  if ((v = opt_of(o, r->name, "group-wait"))) {
    att_time g = parse_span(v);
    if (g < 0 || g > 3600)
      return att__err(ATT_EINVAL, "%s.group-wait '%s': expected a duration from 0 (no grouping) to 1h, e.g. 30s, 5m",
                      what, v);
    r->group_wait = g;
  }
  {
    /* Options of the other type are a mistake worth saying. */
    static const char *const web_only[] = {"template", "token-file", "token-env", NULL};
    static const char *const mail_only[] = {"from", "to", "username", "password-file", "password-env", "starttls", NULL};
    const char *const *bad = r->type == ATT__RECV_WEBHOOK ? mail_only : web_only;
    for (; *bad; bad++)
      if (opt_of(o, r->name, *bad))
        return att__err(ATT_EINVAL, "%s.%s: not an option of a%s receiver", what, *bad,
                        r->type == ATT__RECV_WEBHOOK ? " webhook" : "n email");
  }
  if ((rc = secret(r->name, "url", opt_of(o, r->name, "url"), opt_of(o, r->name, "url-file"),
                   opt_of(o, r->name, "url-env"), 1, &r->url)) != 0)
    return rc;
  if ((rc = check_url(what, r->url, r->type == ATT__RECV_WEBHOOK ? http : smtp, &r->shown, &loop, &tls)) != 0)
    return rc;
  /* A URL from a file or the environment is a secret, and so is the path
   * of any (a chat's webhook URL carries its token there). */
  r->url_secret = !opt_of(o, r->name, "url") || strstr(r->shown, "/...") != NULL;
  if (r->type == ATT__RECV_WEBHOOK) {
    r->tpl = ATT__TPL_GENERIC;
    if ((v = opt_of(o, r->name, "template"))) {
      if (!strcmp(v, "generic")) r->tpl = ATT__TPL_GENERIC;
      else if (!strcmp(v, "slack")) r->tpl = ATT__TPL_SLACK;
      else if (!strcmp(v, "mattermost")) r->tpl = ATT__TPL_MATTERMOST;
      else if (!strcmp(v, "teams")) r->tpl = ATT__TPL_TEAMS;
      else return att__err(ATT_EINVAL, "%s.template '%s': expected generic, slack, mattermost or teams", what, v);
    }
    return secret(r->name, "token", NULL, opt_of(o, r->name, "token-file"), opt_of(o, r->name, "token-env"), 0,
                  &r->token);
  }
  /* email */
  if (!(v = opt_of(o, r->name, "from")) || !address_ok(v))
    return att__err(ATT_EINVAL, "%s.from%s%s%s: expected one address, e.g. attache@example.org", what,
                    v ? " '" : " is missing", v ? v : "", v ? "'" : "");
  if (!(r->from = strdup(v))) return att__err(ATT_ENOMEM, "out of memory");
  if (!(v = opt_of(o, r->name, "to")))
    return att__err(ATT_EINVAL, "%s.to is missing: expected addresses separated by commas", what);
  {
    char *copy = strdup(v), *tok, *save = NULL;
    if (!copy) return att__err(ATT_ENOMEM, "out of memory");
    for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
      char **nt;
      if (!address_ok(tok)) {
        rc = att__err(ATT_EINVAL, "%s.to: '%s' is not an address; expected addresses separated by commas", what, tok);
        free(copy);
        return rc;
      }
      if (!(nt = realloc(r->to, (r->nto + 1) * sizeof *nt)) || !(nt[r->nto] = strdup(tok))) {
        if (nt) r->to = nt;
        free(copy);
        return att__err(ATT_ENOMEM, "out of memory");
      }
      r->to = nt;
      r->nto++;
    }
    free(copy);
    if (!r->nto) return att__err(ATT_EINVAL, "%s.to: no address; expected addresses separated by commas", what);
  }
  if ((v = opt_of(o, r->name, "username")) && !(r->username = strdup(v))) return att__err(ATT_ENOMEM, "out of memory");
  if ((rc = secret(r->name, "password", NULL, opt_of(o, r->name, "password-file"),
                   opt_of(o, r->name, "password-env"), r->username != NULL, &r->password)) != 0)
    return rc;
  if (r->password && !r->username)
    return att__err(ATT_EINVAL, "%s: a password without a username; add %s.username", what, what);
  r->tls = tls ? ATT__TLS_OFF /* smtps: TLS from the start */ : loop ? ATT__TLS_TRY : ATT__TLS_REQUIRED;
  if ((v = opt_of(o, r->name, "starttls"))) {
    if (tls) return att__err(ATT_EINVAL, "%s.starttls: not with smtps:// (TLS from the start)", what);
    if (!strcmp(v, "required")) r->tls = ATT__TLS_REQUIRED;
    else if (!strcmp(v, "try")) r->tls = ATT__TLS_TRY;
    else if (!strcmp(v, "off")) r->tls = ATT__TLS_OFF;
    else return att__err(ATT_EINVAL, "%s.starttls '%s': expected required, try or off", what, v);
  }
  if (r->password && r->tls == ATT__TLS_OFF && !tls && !loop)
    return att__err(ATT_EINVAL, "%s: a password would cross the network in clear (starttls = off); "
                                "use starttls = required or smtps://", what);
  return 0;
}

/* ---- routes ---------------------------------------------------------------------- */

static void route_free(att__route *rt) {
  int m;
  for (m = 0; m < ATT__M_N; m++) {
    char **p;
    for (p = rt->vals[m]; p && *p; p++) free(*p);
    free(rt->vals[m]);
  }
  free(rt->recv);
  memset(rt, 0, sizeof *rt);
}

static int split_list(const char *s, char ***out) {
  char *copy = strdup(s), *tok, *save = NULL, **v = NULL;
  size_t n = 0;
  if (!copy) return att__err(ATT_ENOMEM, "out of memory");
  for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    char **nv = realloc(v, (n + 2) * sizeof *nv);
    if (!nv || !(nv[n] = strdup(tok))) {
      if (nv) v = nv;
      v[n] = NULL;
      free(copy);
      *out = v;
      return att__err(ATT_ENOMEM, "out of memory");
    }
    v = nv;
    v[++n] = NULL;
  }
  free(copy);
  *out = v;
  return 0;
}

/* The actors and kinds of route rt as list --actor and --kind read them
 * (docs/names.md): each actor name becomes the code events hold; a name
 * that is no actor, or a kind the store does not know, could never
 * match, and is refused. */
static int resolve_route(att_names *nm, const char *spec, att__route *rt) {
  char code[64], *dup;
  int rc = 0;
  for (char **p = rt->vals[ATT__M_KIND]; p && *p && rc == 0; p++)
    if ((rc = att_names_word(nm, ATT_VOCAB_KIND, *p)) != 0) rc = att__errctx(rc, "alert-route '%s'", spec);
  for (char **p = rt->vals[ATT__M_ACTOR]; p && *p && rc == 0; p++) {
    if ((rc = att_names_actor(nm, *p, 0, code, sizeof code)) != 0) {
      rc = att__errctx(rc, "alert-route '%s'", spec);
    } else if (strcmp(code, *p) != 0) {
      if ((dup = strdup(code)) == NULL) rc = att__err(ATT_ENOMEM, "out of memory");
      else free(*p), *p = dup;
    }
  }
  return rc;
}

static int build_route(const att__conf *c, const char *spec, att__route *rt, att_names *nm) {
  static const char *const fields[] = {"level", "kind", "actor", "tag"};
  const char *arrow = strstr(spec, "->");
  char *left, *tok, *save = NULL, *right;
  int rc = 0, m, any = 0;
  if (!arrow)
    return att__err(ATT_EINVAL, "alert-route '%s': expected MATCHERS -> RECEIVERS, e.g. "
                                "level=urgent kind=meeting -> ops, mail (or * -> mail)", spec);
  if (!(left = strndup(spec, (size_t)(arrow - spec)))) return att__err(ATT_ENOMEM, "out of memory");
  for (tok = strtok_r(left, " \t", &save); tok && rc == 0; tok = strtok_r(NULL, " \t", &save)) {
    char *eq = strchr(tok, '=');
    any = 1;
    if (!strcmp(tok, "*")) continue;
    for (m = 0; eq && m < ATT__M_N; m++)
      if (strlen(fields[m]) == (size_t)(eq - tok) && !strncmp(tok, fields[m], (size_t)(eq - tok))) break;
    if (!eq || m == ATT__M_N || !eq[1]) {
      rc = att__err(ATT_EINVAL, "alert-route '%s': '%s' is not a matcher; expected level=, kind=, "
                                "actor= or tag= with values separated by commas, or *", spec, tok);
      break;
    }
    if (rt->vals[m]) {
      rc = att__err(ATT_EINVAL, "alert-route '%s': %s is given twice; list its values with commas", spec, fields[m]);
      break;
    }
    if ((rc = split_list(eq + 1, &rt->vals[m])) != 0) break;
    if (m == ATT__M_LEVEL) {
      char **p;
      for (p = rt->vals[m]; *p && rc == 0; p++)
        if (strcmp(*p, "info") && strcmp(*p, "warn") && strcmp(*p, "urgent"))
          rc = att__err(ATT_EINVAL, "alert-route '%s': level '%s': expected info, warn or urgent", spec, *p);
    }
  }
  free(left);
  if (rc) return rc;
  if (!any) return att__err(ATT_EINVAL, "alert-route '%s': no matcher before ->; use * for every alert", spec);
  if (nm && (rc = resolve_route(nm, spec, rt)) != 0) return rc;
  if (!(right = strdup(arrow + 2))) return att__err(ATT_ENOMEM, "out of memory");
  save = NULL;
  for (tok = strtok_r(right, ", \t", &save); tok && rc == 0; tok = strtok_r(NULL, ", \t", &save)) {
    size_t i, *nr;
    for (i = 0; i < c->nrecv; i++)
      if (!strcmp(c->recv[i].name, tok)) break;
    if (i == c->nrecv) {
      char names[512] = "";
      size_t k;
      for (k = 0; k < c->nrecv; k++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", k ? ", " : "", c->recv[k].name);
      rc = att__err(ATT_EINVAL, "alert-route '%s': no receiver named '%s' (%s%s)", spec, tok,
                    c->nrecv ? "receivers: " : "none is configured", names);
      break;
    }
    if (!(nr = realloc(rt->recv, (rt->nrecv + 1) * sizeof *nr))) {
      rc = att__err(ATT_ENOMEM, "out of memory");
      break;
    }
    rt->recv = nr;
    rt->recv[rt->nrecv++] = i;
  }
  free(right);
  if (rc == 0 && !rt->nrecv)
    rc = att__err(ATT_EINVAL, "alert-route '%s': no receiver after ->", spec);
  return rc;
}

/* ---- the whole ----------------------------------------------------------------- */

void att__conf_free(att__conf *c) {
  size_t i;
  for (i = 0; i < c->nrecv; i++) recv_free(&c->recv[i]);
  free(c->recv);
  for (i = 0; i < c->nroutes; i++) route_free(&c->routes[i]);
  free(c->routes);
  memset(c, 0, sizeof *c);
}

const att__recv *att__conf_recv(const att__conf *c, const char *name) {
  size_t i;
  for (i = 0; i < c->nrecv; i++)
    if (!strcmp(c->recv[i].name, name)) return &c->recv[i];
  return NULL;
}

int att__conf_build(const att_alert_outputs *o, att_store *st, att__conf *c) {
  size_t i;
  att_names nm;
  int rc = 0;
  memset(c, 0, sizeof *c);
  c->retry_for = ATT__RETRY_FOR_DEFAULT;
  c->retry_first = ATT__RETRY_FIRST_DEFAULT;
  c->retry_max = ATT__RETRY_MAX_DEFAULT;
  for (i = 0; i < o->nconf && rc == 0; i++) {
    const char *k = o->conf[2 * i], *v = o->conf[2 * i + 1];
    att_time *slot = !strcmp(k, "alert-retry-for") ? &c->retry_for
                     : !strcmp(k, "alert-retry-first") ? &c->retry_first
                     : !strcmp(k, "alert-retry-max") ? &c->retry_max : NULL;
    if (slot) {
      if ((*slot = parse_span(v)) < 1)
        rc = att__err(ATT_EINVAL, "%s '%s': expected a duration of at least a second, e.g. 90s, 30m, 24h, 2d", k, v);
      continue;
    }
    if (!strncmp(k, RECV_PREFIX, sizeof RECV_PREFIX - 1)) {
      const char *name = k + sizeof RECV_PREFIX - 1;
      size_t nl = (size_t)(strchr(name, '.') - name), j;
      att__recv *nr;
      for (j = 0; j < c->nrecv; j++)
        if (strlen(c->recv[j].name) == nl && !strncmp(c->recv[j].name, name, nl)) break;
      if (j < c->nrecv) continue;
      if (!(nr = realloc(c->recv, (c->nrecv + 1) * sizeof *nr))) {
        rc = att__err(ATT_ENOMEM, "out of memory");
        break;
      }
      c->recv = nr;
      memset(&nr[c->nrecv], 0, sizeof *nr);
      if (!(nr[c->nrecv].name = strndup(name, nl))) rc = att__err(ATT_ENOMEM, "out of memory");
      c->nrecv++;
    }
  }
  if (rc == 0 && c->retry_max < c->retry_first)
    rc = att__err(ATT_EINVAL, "alert-retry-max is shorter than alert-retry-first");
  for (i = 0; i < c->nrecv && rc == 0; i++) rc = build_recv(o, &c->recv[i]);
  /* The routes' actors and kinds as list reads them (core/names.h: the
   * registry and the settings read once for them all). */
  if (st) att_names_init(&nm, st, 0);
  for (i = 0; i < o->nconf && rc == 0; i++) {
    att__route *nr;
    if (strcmp(o->conf[2 * i], "alert-route")) continue;
    if (!(nr = realloc(c->routes, (c->nroutes + 1) * sizeof *nr))) {
      rc = att__err(ATT_ENOMEM, "out of memory");
      break;
    }
    c->routes = nr;
    memset(&nr[c->nroutes], 0, sizeof *nr);
    c->nroutes++;
    rc = build_route(c, o->conf[2 * i + 1], &nr[c->nroutes - 1], st ? &nm : NULL);
  }
  if (st) att_names_free(&nm);
  if (rc) att__conf_free(c);
  return rc;
}

static void scrub_one(char *msg, const char *secret) {
  size_t n = secret ? strlen(secret) : 0;
  char *p;
  if (n < 3) return;
  while ((p = strstr(msg, secret)) != NULL) {
    memcpy(p, "***", 3);
    memmove(p + 3, p + n, strlen(p + n) + 1);
  }
}

void att__conf_scrub(const att__conf *c, char *msg) {
  size_t i;
  for (i = 0; i < c->nrecv; i++) {
    scrub_one(msg, c->recv[i].password);
    scrub_one(msg, c->recv[i].token);
    if (c->recv[i].url_secret) scrub_one(msg, c->recv[i].url);
  }
}

/* ---- the public check ------------------------------------------------------------- */

int att_alert_outputs_check(const att_alert_outputs *o, att_store *st, char *summary, size_t cap) {
  att__conf c;
  int rc = att__conf_build(o, st, &c);
  size_t i, n;
  if (rc) return rc;
  if (summary && cap) {
    n = (size_t)snprintf(summary, cap, "%zu alert receiver%s", c.nrecv, c.nrecv == 1 ? "" : "s");
    for (i = 0; i < c.nrecv && n < cap; i++)
      n += (size_t)snprintf(summary + n, cap - n, "%s%s: %s %s", i ? ", " : " (", c.recv[i].name,
                            c.recv[i].type == ATT__RECV_WEBHOOK ? "webhook" : "email", c.recv[i].shown);
    if (c.nrecv && n < cap) n += (size_t)snprintf(summary + n, cap - n, ")");
    if (n < cap)
      snprintf(summary + n, cap - n, ", %zu route%s%s", c.nroutes, c.nroutes == 1 ? "" : "s",
               c.nroutes ? "" : " (every alert to every receiver)");
  }
  att__conf_free(&c);
  return 0;
}
