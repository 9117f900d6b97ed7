/*
 * One request to a receiver, made with libcurl: the webhook's POST of
 * JSON (the alert itself, or the form Slack, Mattermost or Microsoft
 * Teams read) and the email's message over SMTP.  Both carry the
 * delivery's idempotency key: the Idempotency-Key header of the POST, the
 * Message-ID of the mail, so that a receiver that keeps them can drop a
 * second copy (sent when attache stopped between the receiver's answer
 * and the record of it).
 *
 * The same prepared handle runs either on the daemon's loop (alert_uv.c,
 * through a curl multi handle) or here at once (att__xfer_perform), which
 * a stop signal interrupts.  A receiver acknowledged when HTTP answered
 * 2xx, or when the SMTP server accepted the message; anything else is an
 * error, retried.
 */
#include "alert_int.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "curl_dl.h"
#include "error.h"

/* ---- the idempotency key in headers -------------------------------------- */

/* id with every byte but A-Z a-z 0-9 - _ + / = ~ as %XX: fits a header
 * and the local part of a Message-ID. */
static char *encode_id(const char *id) {
  static const char hex[] = "0123456789ABCDEF";
  size_t n = strlen(id), i, j = 0;
  char *o = malloc(3 * n + 1);
  if (!o) return NULL;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)id[i];
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-_+/=~", c)) {
      o[j++] = (char)c;
    } else {
      o[j++] = '%';
      o[j++] = hex[c >> 4];
      o[j++] = hex[c & 15];
    }
  }
  o[j] = '\0';
  return o;
}

/* ---- webhooks -------------------------------------------------------------- */

/* Slack's text: & < > are its markup. */
static char *slack_escape(const char *s) {
  size_t n = 0;
  const char *p;
  char *o, *q;
  for (p = s; *p; p++) n += *p == '&' ? 5 : (*p == '<' || *p == '>') ? 4 : 1;
  if (!(o = q = malloc(n + 1))) return NULL;
  for (p = s; *p; p++) {
    if (*p == '&') q += sprintf(q, "&amp;");
    else if (*p == '<') q += sprintf(q, "&lt;");
    else if (*p == '>') q += sprintf(q, "&gt;");
    else *q++ = *p;
  }
  *q = '\0';
  return o;
}

/* The readable text of an alert: "[level] title", then the body, then
 * the event and lateness. */
static char *alert_text(const att_alert *a, const char *bold) {
  size_t n = strlen(a->title) + (a->body ? strlen(a->body) : 0) + 96;
  char *t = malloc(n);
  if (!t) return NULL;
  snprintf(t, n, "%s[%s] %s%s%s%s%s", bold, a->level ? a->level : "info", a->title, bold,
           a->body ? "\n" : "", a->body ? a->body : "", a->late ? "\n(late)" : "");
  if (a->event) snprintf(t + strlen(t), n - strlen(t), "\n(event %lld)", (long long)a->event);
  return t;
}

/* A fact of a Teams card. */
static void fact(cJSON *list, const char *title, const char *value) {
  cJSON *f = cJSON_CreateObject();
  cJSON_AddItemToArray(list, f);
  cJSON_AddStringToObject(f, "title", title);
  cJSON_AddStringToObject(f, "value", value);
}

/* A Teams message of one Adaptive Card (version 1.4) into o, its first
 * block a heading; the card's body, to add blocks to. */
static cJSON *teams_card(cJSON *o, const char *heading) {
  cJSON *list = cJSON_AddArrayToObject(o, "attachments"), *att = cJSON_CreateObject(), *card, *body, *tb;
  cJSON_AddStringToObject(o, "type", "message");
  cJSON_AddItemToArray(list, att);
  cJSON_AddStringToObject(att, "contentType", "application/vnd.microsoft.card.adaptive");
  card = cJSON_AddObjectToObject(att, "content");
  cJSON_AddStringToObject(card, "$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
  cJSON_AddStringToObject(card, "type", "AdaptiveCard");
  cJSON_AddStringToObject(card, "version", "1.4");
  body = cJSON_AddArrayToObject(card, "body");
  tb = cJSON_CreateObject();
  cJSON_AddItemToArray(body, tb);
  cJSON_AddStringToObject(tb, "type", "TextBlock");
  cJSON_AddStringToObject(tb, "text", heading);
  cJSON_AddStringToObject(tb, "weight", "Bolder");
  cJSON_AddStringToObject(tb, "size", "Medium");
  cJSON_AddBoolToObject(tb, "wrap", 1);
  return body;
}

static char *webhook_body(const att_alert *a, int tpl) {
  cJSON *o = NULL;
  char *text = NULL, *out = NULL, at[40];
  if (tpl == ATT__TPL_GENERIC) return att_alert_to_json(a);
  att_time_format(a->at, at, sizeof at);
  if (tpl == ATT__TPL_SLACK) {
    char *raw = alert_text(a, "*");
    text = raw ? slack_escape(raw) : NULL;
    free(raw);
    if (text && (o = cJSON_CreateObject())) cJSON_AddStringToObject(o, "text", text);
  } else if (tpl == ATT__TPL_MATTERMOST) {
    text = alert_text(a, "**");
    if (text && (o = cJSON_CreateObject())) cJSON_AddStringToObject(o, "text", text);
  } else { /* Teams: a message with an Adaptive Card */
    cJSON *body, *tb, *facts, *list;
    char ev[32];
    o = cJSON_CreateObject();
    body = teams_card(o, a->title);
    if (a->body) {
      tb = cJSON_CreateObject();
      cJSON_AddItemToArray(body, tb);
      cJSON_AddStringToObject(tb, "type", "TextBlock");
      cJSON_AddStringToObject(tb, "text", a->body);
      cJSON_AddBoolToObject(tb, "wrap", 1);
    }
    facts = cJSON_CreateObject();
    cJSON_AddItemToArray(body, facts);
    cJSON_AddStringToObject(facts, "type", "FactSet");
    list = cJSON_AddArrayToObject(facts, "facts");
    fact(list, "Level", a->level ? a->level : "info");
    fact(list, "Due", at);
    if (a->event) {
      snprintf(ev, sizeof ev, "%lld", (long long)a->event);
      fact(list, "Event", ev);
    }
    if (a->key) fact(list, "Key", a->key);
  }
  if (o) out = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  free(text);
  return out;
}

/* ---- email ------------------------------------------------------------------ */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of s[0..n) at o (4 * ((n + 2) / 3) bytes, no NUL). */
static size_t base64(char *o, const unsigned char *s, size_t n) {
  size_t i, j = 0;
  for (i = 0; i + 2 < n; i += 3) {
    o[j++] = b64[s[i] >> 2];
    o[j++] = b64[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
    o[j++] = b64[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)];
    o[j++] = b64[s[i + 2] & 63];
  }
  if (i < n) {
    o[j++] = b64[s[i] >> 2];
    o[j++] = b64[((s[i] & 3) << 4) | (i + 1 < n ? s[i + 1] >> 4 : 0)];
    o[j++] = i + 1 < n ? b64[(s[i + 1] & 15) << 2] : '=';
    o[j++] = '=';
  }
  return j;
}

typedef struct sbuf {
  char *p;
  size_t len, cap;
  int oom;
} sbuf;

static void put(sbuf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = (b->len + n + 1) * 2;
    char *p = realloc(b->p, cap);
    if (!p) {
      b->oom = 1;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void puts_(sbuf *b, const char *s) { put(b, s, strlen(s)); }

/* The subject, as is when it is printable ASCII, else as RFC 2047
 * encoded words (UTF-8, base64) of whole characters, folded: a title can
 * never add a header. */
static void put_subject(sbuf *b, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  size_t n = strlen(s), i, start;
  int plain = n < 900;
  char enc[80];
  for (i = 0; i < n && plain; i++) plain = p[i] >= 32 && p[i] < 127;
  puts_(b, "Subject: ");
  if (plain) {
    puts_(b, s);
    puts_(b, "\r\n");
    return;
  }
  for (start = 0; start < n;) {
    size_t end = start + 42 < n ? start + 42 : n;
    while (end < n && end > start + 1 && (p[end] & 0xC0) == 0x80) end--; /* whole characters */
    if (start) puts_(b, "\r\n ");
    puts_(b, "=?UTF-8?B?");
    put(b, enc, base64(enc, p + start, end - start));
    puts_(b, "?=");
    start = end;
  }
  puts_(b, "\r\n");
}

static char *email_message(const att_delivery *d, const att__recv *r, att_time now) {
  static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const att_alert *a = &d->alert;
  sbuf b = {NULL, 0, 0, 0}, text = {NULL, 0, 0, 0};
  char line[256], at[40], *id = encode_id(d->id), *subject;
  const char *domain = strchr(r->from, '@') + 1;
  time_t t = (time_t)now;
  struct tm tm;
  size_t i, n;
  gmtime_r(&t, &tm);
  snprintf(line, sizeof line, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", wd[tm.tm_wday], tm.tm_mday,
           mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  puts_(&b, line);
  puts_(&b, "From: ");
  puts_(&b, r->from);
  puts_(&b, "\r\nTo: ");
  for (i = 0; i < r->nto; i++) {
    if (i) puts_(&b, ", ");
    puts_(&b, r->to[i]);
  }
  puts_(&b, "\r\nMessage-ID: <");
  puts_(&b, id ? id : "");
  puts_(&b, "@");
  puts_(&b, domain);
  puts_(&b, ">\r\n");
  n = strlen(a->title) + 32;
  if ((subject = malloc(n))) {
    snprintf(subject, n, "[%s] %s", a->level ? a->level : "info", a->title);
    put_subject(&b, subject);
    free(subject);
  } else {
    b.oom = 1;
  }
  puts_(&b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n"
            "X-Mailer: attache\r\n\r\n");
  /* The text: title, body, then what the alert is about. */
  puts_(&text, a->title);
  puts_(&text, "\n\n");
  if (a->body) {
    puts_(&text, a->body);
    puts_(&text, "\n\n");
  }
  att_time_format(a->at, at, sizeof at);
  snprintf(line, sizeof line, "Level: %s\nDue: %s%s\n", a->level ? a->level : "info", at, a->late ? " (fired late)" : "");
  puts_(&text, line);
  if (a->event) {
    snprintf(line, sizeof line, "Event: %lld\n", (long long)a->event);
    puts_(&text, line);
  }
  if (a->key) {
    puts_(&text, "Key: ");
    puts_(&text, a->key);
    puts_(&text, "\n");
  }
  if (a->script) {
    puts_(&text, "Script: ");
    puts_(&text, a->script);
    puts_(&text, "\n");
  }
  /* base64 in lines of 76 */
  for (i = 0; !text.oom && i < text.len; i += 57) {
    char enc[80];
    size_t k = text.len - i < 57 ? text.len - i : 57;
    put(&b, enc, base64(enc, (const unsigned char *)text.p + i, k));
    puts_(&b, "\r\n");
  }
  free(text.p);
  free(id);
  if (b.oom || text.oom || !id) {
    free(b.p);
    return NULL;
  }
  return b.p;
}

/* ---- a group: several alerts in one message ------------------------------------ */

/* The most pressing level of a group: urgent, then warn, then the first's. */
static const char *group_level(att_delivery *const *ds, size_t n) {
  const char *best = ds[0]->alert.level ? ds[0]->alert.level : "info";
  for (size_t i = 0; i < n; i++) {
    const char *l = ds[i]->alert.level ? ds[i]->alert.level : "info";
    if (!strcmp(l, "urgent") || (!strcmp(l, "warn") && strcmp(best, "urgent"))) best = l;
  }
  return best;
}

static char *group_webhook(att_delivery *const *ds, size_t n, int tpl, const char *gid) {
  cJSON *o = cJSON_CreateObject();
  char *out = NULL, head[96];
  snprintf(head, sizeof head, "%zu alerts", n);
  if (tpl == ATT__TPL_GENERIC) {
    cJSON *arr;
    cJSON_AddStringToObject(o, "group", gid);
    cJSON_AddNumberToObject(o, "count", (double)n);
    arr = cJSON_AddArrayToObject(o, "alerts");
    for (size_t i = 0; i < n; i++) {
      char *j = att_alert_to_json(&ds[i]->alert);
      cJSON *a = j ? cJSON_Parse(j) : NULL;
      free(j);
      if (!a) goto oom;
      cJSON_AddItemToArray(arr, a);
    }
  } else if (tpl == ATT__TPL_SLACK || tpl == ATT__TPL_MATTERMOST) {
    const char *bold = tpl == ATT__TPL_SLACK ? "*" : "**";
    sbuf b = {NULL, 0, 0, 0};
    puts_(&b, bold);
    puts_(&b, head);
    puts_(&b, bold);
    for (size_t i = 0; i < n; i++) {
      char *t = alert_text(&ds[i]->alert, bold), *e = t && tpl == ATT__TPL_SLACK ? slack_escape(t) : NULL;
      puts_(&b, "\n\n");
      if (!t || (tpl == ATT__TPL_SLACK && !e)) b.oom = 1;
      else puts_(&b, tpl == ATT__TPL_SLACK ? e : t);
      free(t);
      free(e);
    }
    if (b.oom) {
      free(b.p);
      goto oom;
    }
    cJSON_AddStringToObject(o, "text", b.p);
    free(b.p);
  } else { /* Teams: one card, a block per alert */
    cJSON *body = teams_card(o, head), *tb;
    for (size_t i = 0; i < n; i++) {
      char *t = alert_text(&ds[i]->alert, "");
      if (!t) goto oom;
      tb = cJSON_CreateObject();
      cJSON_AddItemToArray(body, tb);
      cJSON_AddStringToObject(tb, "type", "TextBlock");
      cJSON_AddStringToObject(tb, "text", t);
      cJSON_AddBoolToObject(tb, "wrap", 1);
      cJSON_AddBoolToObject(tb, "separator", 1);
      free(t);
    }
  }
  out = cJSON_PrintUnformatted(o);
oom:
  cJSON_Delete(o);
  return out;
}

/* A group's mail: the subject counts the alerts and names the first, the
 * text gives each alert as a mail of one would (title, body, facts). */
static char *group_email(att_delivery *const *ds, size_t n, const att__recv *r, att_time now, const char *gid) {
  att_delivery one = *ds[0];
  att_alert sum = ds[0]->alert;
  sbuf text = {NULL, 0, 0, 0};
  char title[300], *body, *msg;
  snprintf(title, sizeof title, "%zu alerts: %s, and %zu more", n, ds[0]->alert.title, n - 1);
  for (size_t i = 0; i < n; i++) {
    const att_alert *a = &ds[i]->alert;
    char line[160], at[40];
    att_time_format(a->at, at, sizeof at);
    snprintf(line, sizeof line, "%zu. [%s] ", i + 1, a->level ? a->level : "info");
    puts_(&text, i ? "\n\n" : "");
    puts_(&text, line);
    puts_(&text, a->title);
    if (a->body) {
      puts_(&text, "\n");
      puts_(&text, a->body);
    }
    snprintf(line, sizeof line, "\nDue: %s%s", at, a->late ? " (fired late)" : "");
    puts_(&text, line);
    if (a->event) {
      snprintf(line, sizeof line, "; event %lld", (long long)a->event);
      puts_(&text, line);
    }
    if (a->key) {
      puts_(&text, "; key ");
      puts_(&text, a->key);
    }
  }
  if (text.oom) {
    free(text.p);
    return NULL;
  }
  body = text.p;
  sum.title = title;
  sum.body = body;
  sum.level = (char *)group_level(ds, n);
  sum.event = 0;
  sum.key = NULL;
  sum.script = NULL;
  sum.late = 0;
  one.alert = sum;
  one.id = (char *)gid;
  msg = email_message(&one, r, now);
  free(body);
  return msg;
}

static size_t on_read(char *buf, size_t size, size_t nitems, void *ud) {
  att__xfer *x = ud;
  size_t n = size * nitems, left = x->len - x->off;
  if (n > left) n = left;
  memcpy(buf, x->body + x->off, n);
  x->off += n;
  return n;
}

/* ---- the handle -------------------------------------------------------------------- */

/* A webhook's answer is read and dropped: only its status counts, and a
 * long answer to a 2xx is still an acknowledgement (the timeout bounds
 * one that never ends). */
static size_t on_write(char *buf, size_t size, size_t nmemb, void *ud) {
  (void)buf;
  (void)ud;
  return size * nmemb;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un) {
  att__xfer *x = ud;
  (void)dt, (void)dn, (void)ut, (void)un;
  return x->sync && att_interrupted(); /* a stop signal ends the wait */
}

int att__xfer_init(att__xfer *x, const att_delivery *d, const att__recv *r, att_time now) {
  att_delivery *one = (att_delivery *)d;
  return att__xfer_init_group(x, &one, 1, r, now);
}

int att__xfer_init_group(att__xfer *x, att_delivery *const *ds, size_t n, const att__recv *r, att_time now) {
  CURL *h;
  char *id = NULL, *gid = NULL;
  const att_delivery *d = ds[0];
  long ms = (long)(r->timeout * 1000);
  memset(x, 0, sizeof *x);
  x->d = ds[0];
  x->r = r;
  if (n > 1) {
    size_t l = strlen(d->id) + 24;
    if (!(x->more = malloc((n - 1) * sizeof *x->more)) || !(gid = malloc(l))) {
      free(x->more);
      x->more = NULL;
      return att__err(ATT_ENOMEM, "out of memory");
    }
    memcpy(x->more, ds + 1, (n - 1) * sizeof *x->more);
    x->nmore = n - 1;
    snprintf(gid, l, "%s+%zu", d->id, n - 1);
  }
  if (!(x->curl = h = curl_easy_init())) return att__err(ATT_ENOMEM, "cannot start a transfer (curl_easy_init)");
  curl_easy_setopt(h, CURLOPT_URL, r->url);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ms);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
  curl_easy_setopt(h, CURLOPT_PRIVATE, x);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, x);
  if (r->type == ATT__RECV_WEBHOOK) {
    struct curl_slist *hd = NULL, *t;
    if (!(x->body = n > 1 ? group_webhook(ds, n, r->tpl, gid) : webhook_body(&d->alert, r->tpl)) ||
        !(id = encode_id(gid ? gid : d->id)))
      goto oom;
    x->len = strlen(x->body);
    hd = curl_slist_append(hd, "Content-Type: application/json; charset=utf-8");
    if (hd && (t = curl_slist_append(hd, "Expect:"))) hd = t; /* no 100-continue round trip */
    {
      size_t n = strlen(id) + 20;
      char *h2 = malloc(n);
      if (h2) snprintf(h2, n, "Idempotency-Key: %s", id);
      if (hd && h2 && (t = curl_slist_append(hd, h2))) hd = t;
      free(h2);
    }
    if (r->token) {
      size_t n = strlen(r->token) + 32;
      char *h2 = malloc(n);
      if (h2) snprintf(h2, n, "Authorization: Bearer %s", r->token);
      if (hd && h2 && (t = curl_slist_append(hd, h2))) hd = t;
      free(h2);
    }
    x->headers = hd;
    if (!hd) goto oom;
    curl_easy_setopt(h, CURLOPT_USERAGENT, "attache");
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, x->body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)x->len);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
  } else {
    struct curl_slist *rc = NULL, *t;
    char addr[600];
    size_t i;
    if (!(x->body = n > 1 ? group_email(ds, n, r, now, gid) : email_message(d, r, now))) goto oom;
    x->len = strlen(x->body);
    for (i = 0; i < r->nto; i++) {
      snprintf(addr, sizeof addr, "<%s>", r->to[i]);
      if (!(t = curl_slist_append(rc, addr))) {
        curl_slist_free_all(rc);
        goto oom;
      }
      rc = t;
    }
    x->rcpt = rc;
    snprintf(addr, sizeof addr, "<%s>", r->from);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, addr);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rc);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, x);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_USE_SSL, r->tls == ATT__TLS_REQUIRED ? (long)CURLUSESSL_ALL
                                         : r->tls == ATT__TLS_TRY    ? (long)CURLUSESSL_TRY
                                                                     : (long)CURLUSESSL_NONE);
    if (r->username) curl_easy_setopt(h, CURLOPT_USERNAME, r->username);
    if (r->password) curl_easy_setopt(h, CURLOPT_PASSWORD, r->password);
  }
  free(id);
  free(gid);
  return 0;
oom:
  free(id);
  free(gid);
  att__xfer_free(x);
  return att__err(ATT_ENOMEM, "out of memory");
}

void att__xfer_free(att__xfer *x) {
  if (x->curl) curl_easy_cleanup(x->curl);
  curl_slist_free_all(x->headers);
  curl_slist_free_all(x->rcpt);
  free(x->body);
  free(x->more);
  x->curl = x->headers = x->rcpt = NULL;
  x->body = NULL;
  x->more = NULL;
  x->nmore = 0;
}

void att__xfer_done(att_alerts *al, att__xfer *x, char *err) {
  for (size_t i = 0; i < x->nmore; i++) {
    char *e = NULL;
    if (err && !(e = strdup(err))) e = NULL; /* out of memory: recorded as acknowledged would be wrong */
    if (err && !e) {
      x->more[i]->busy = 0; /* not recorded: made again later */
      continue;
    }
    att__outbox_result(al, x->more[i], e);
  }
  att__outbox_result(al, x->d, err);
}

char *att__xfer_outcome(att__xfer *x, int code) {
  char msg[600];
  long status = 0;
  if (code == CURLE_OK && x->r->type == ATT__RECV_WEBHOOK) {
    curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) return NULL;
    snprintf(msg, sizeof msg, "HTTP status %ld from %s", status, x->r->shown);
  } else if (code == CURLE_OK) {
    return NULL; /* the SMTP server took the message */
  } else if (code == CURLE_ABORTED_BY_CALLBACK) {
    snprintf(msg, sizeof msg, "interrupted by a stop signal");
  } else {
    snprintf(msg, sizeof msg, "%s%s%s (%s)", curl_easy_strerror((CURLcode)code), x->errbuf[0] ? ": " : "",
             x->errbuf, x->r->shown);
  }
  return strdup(msg);
}

char *att__xfer_perform(att__xfer *x) {
  x->sync = 1;
  return att__xfer_outcome(x, (int)curl_easy_perform(x->curl));
}
