#!/usr/bin/env python3
"""The web page of `attache serve --listen` (docs/web.md) from outside, as
a browser and an attacker see it (tests/cli/web_ui.sh starts the daemon
and runs this):

    python3 web_check.py PORT EDITOR_TOKEN READER_TOKEN OTHER_EDITOR_TOKEN ATTACHE STORE WAIT SCRATCH

(SCRATCH: another store, where `attache add` shows how the CLI reads a date)

Sessions and their cookie, every page without one, CSRF and Origin on
every form that writes, roles, the stale edit, the form's date echo,
the escaping of every field of an event into every page (HTML
injection), path traversal on the static files, the security headers,
a token removed while its session lives, and the live stream seeing a
change made by another process.  Each check prints "ok N - what" or
"not ok N - what: why"; the exit status is the number that failed.
"""
import html.parser
import http.client
import json
import re
import socket
import subprocess
import sys
import time
import urllib.parse

PORT, ED, RD, ED2, ATT, STORE, WAIT, SCRATCH = sys.argv[1:9]
PORT, WAIT = int(PORT), float(WAIT)
n = failed = 0


def check(cond, what, why=""):
    global n, failed
    n += 1
    if cond:
        print("ok %d - %s" % (n, what))
    else:
        failed += 1
        print("not ok %d - %s: %s" % (n, what, str(why)[:2000]))


def req(method, path, cookie=None, form=None, headers=None, body=None):
    h = dict(headers or {})
    if cookie:
        h["Cookie"] = "attache_session=" + cookie
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        h.setdefault("Content-Type", "application/x-www-form-urlencoded")
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=WAIT)
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data.decode("utf-8", "replace")


def api(method, path, token, body=None, headers=None):
    h = dict(headers or {})
    h["Authorization"] = "Bearer " + token
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=WAIT)
    c.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data


class FormFields(html.parser.HTMLParser):
    """What a browser posts for the page's event form: its inputs, each
    select's selected option and its textareas, by name."""

    def __init__(self):
        super().__init__()
        self.fields, self.sel, self.area, self.opt, self.optval, self.inform = {}, None, None, None, None, 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inform = 1 if a.get("id") == "event-form" else 0
        if self.inform != 1:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:  # posted when checked
                self.fields[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self.sel = a.get("name")
        elif tag == "option" and self.sel:
            self.opt, self.optval = "selected" in a, a.get("value")
            self.optbuf = ""
        elif tag == "textarea":
            self.area = a.get("name")
            self.fields[self.area] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inform = 0
        elif tag == "option" and self.sel is not None and self.opt is not None:
            if self.opt or self.sel not in self.fields:
                self.fields[self.sel] = self.optval if self.optval is not None else self.optbuf
            self.opt = None
        elif tag == "select":
            self.sel = None
        elif tag == "textarea":
            self.area = None

    def handle_data(self, data):
        if self.area:
            self.fields[self.area] += data
        elif self.sel and self.opt is not None:
            self.optbuf += data


def browser_post(fields):
    """A form's fields as a browser encodes them: every line break as CRLF."""
    return {k: re.sub(r"\r?\n", "\r\n", v) for k, v in fields.items()}


def login(token):
    st, h, body = req("POST", "/ui/login", form={"token": token})
    m = re.match(r"attache_session=([0-9a-f]{64});", h.get("set-cookie", ""))
    return (m.group(1) if m else None), st, h, body


def csrf_of(page):
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    return m.group(1) if m else None


class Audit(html.parser.HTMLParser):
    """What a page holds that a payload could have put there: tags,
    event-handler attributes, scripts, links."""
    ALLOWED = {"html", "head", "meta", "title", "link", "script", "body", "a", "header", "p", "nav", "ul", "li",
               "form", "input", "span", "small", "button", "main", "h1", "h2", "section", "ol", "time", "label",
               "select", "option", "output", "textarea", "article", "dl", "dt", "dd", "code", "pre", "table",
               "thead", "tbody", "tr", "th", "td", "strong", "br", "datalist"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.ALLOWED:
            self.bad.append("<%s>" % tag)
        for k, v in attrs:
            if k.startswith("on") or k in ("style", "srcdoc", "formaction"):
                self.bad.append("%s=%r on <%s>" % (k, v, tag))
            if k in ("href", "src", "action") and v is not None:
                if not (v.startswith("/") or v.startswith("#") or re.match(r"https?://", v)):
                    self.bad.append("%s=%r on <%s>" % (k, v, tag))
        if tag == "script" and dict(attrs).get("src") != "/ui/static/app.js":
            self.bad.append("a script not ours: %r" % (attrs,))
        if tag == "link" and dict(attrs).get("href") not in ("/ui/static/app.css", "/ui/static/icon.svg"):
            self.bad.append("a link not ours: %r" % (attrs,))


def audit(page):
    a = Audit()
    a.feed(page)
    a.close()
    return a.bad


# -- without a session: every page sends to the login, every write is refused
pages = ["/ui/agenda", "/ui/agenda?span=month", "/ui/events", "/ui/events/1", "/ui/events/1/edit", "/ui/new",
         "/ui/alerts"]
for p in pages:
    st, h, body = req("GET", p)
    loc = h.get("location", "")
    check(st == 303 and loc.startswith("/ui/login?next=/ui/"), "GET %s without a session: to the login" % p,
          (st, loc))
for p in ("/ui/events", "/ui/events/1", "/ui/logout"):
    st, h, body = req("POST", p, form={"title": "x", "when": "2024"})
    check(st == 403 and "set-cookie" not in h, "POST %s without a session: 403" % p, (st, h))
for p in ("/ui/dates?q=2024", "/ui/changes"):
    st, h, body = req("GET", p)
    check(st == 401 and json.loads(body)["error"]["status"] == 401, "GET %s without a session: 401 JSON" % p,
          (st, body))
st, h, body = req("GET", "/ui/agenda", cookie="0" * 64)
check(st == 303 and "/ui/login" in h.get("location", ""), "a forged session id: to the login", (st, h))
st, h, body = req("GET", "/ui/login?next=/ui/events")
check(st == 200 and 'name="next" value="/ui/events"' in body and 'for="token"' in body,
      "the login page: a labelled token field, and where to go next", body[:300])
st, h, body = req("GET", "/ui/login?next=https://evil.example/")
check('value="/ui/agenda"' in body and "evil" not in body, "next= elsewhere than our pages is dropped",
      body[:400])

# -- logging in
sid, st, h, body = login("att_" + "0" * 64)
check(sid is None and st == 401 and 'role="alert"' in body, "a wrong token: 401, no session", (st, h))
sid, st, h, body = login(ED)
cookie = h.get("set-cookie", "")
check(sid and st == 303 and h.get("location") == "/ui/agenda", "an editor's token: a session, to the agenda",
      (st, h))
check("HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/ui" in cookie,
      "the cookie: HttpOnly, SameSite=Strict, Path=/ui", cookie)
st, h, body = req("POST", "/ui/login", form={"token": ED}, headers={"Origin": "http://evil.example"})
check(st == 403 and "set-cookie" not in h, "a login posted from another site: refused (login CSRF)", (st, h))
rsid, st, h, body = login(RD)
check(rsid is not None, "a reader's token: a session", (st, h))
sid2, st, h, body = login(ED2)
check(sid2 is not None and sid2 != sid, "another editor: another session", (st, h))

# -- every page, with its security headers
for p in pages[:3] + ["/ui/new", "/ui/alerts", "/ui/login"]:
    st, h, body = req("GET", p, cookie=sid)
    csp = h.get("content-security-policy", "")
    check(st == 200 and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and
          h.get("x-frame-options") == "DENY" and h.get("x-content-type-options") == "nosniff" and
          h.get("content-type", "").startswith("text/html"),
          "GET %s: 200, CSP, not framed, nosniff" % p, (st, h))
    check(not audit(body), "GET %s: only our markup" % p, audit(body))
    check('<html lang="en">' in body and 'name="viewport"' in body, "GET %s: a language and a viewport" % p, body[:200])
    inputs = re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', body)
    unlabelled = [i for i in inputs if 'for="%s"' % i not in body]
    check(not unlabelled, "GET %s: every field has a label" % p, unlabelled)

# -- the form's echo of a date: what the CLI reads, read the same
for text in ("mid March 2024", "2024-Q2", "17 December 2023", "2024-28", "next week", "[2024-33]"):
    st, h, body = req("GET", "/ui/dates?q=" + urllib.parse.quote(text), cookie=sid)
    j = json.loads(body) if st == 200 else {}
    out = subprocess.run([ATT, "--store", SCRATCH, "add", "--print-json", "--title", "x", "--when", text],
                         capture_output=True, text=True)
    cli = json.loads(out.stdout)["when"] if out.returncode == 0 else out.stderr
    check(st == 200 and j.get("edtf") and j.get("human") and cli == j["edtf"],
          "echo of %r: %s" % (text, j.get("edtf")), (st, body, cli))
st, h, body = req("GET", "/ui/dates?q=" + urllib.parse.quote("the 32nd of Smarch"), cookie=sid)
check(st == 400 and "accepted forms" in json.loads(body)["error"]["message"], "echo of a non-date: 400, the forms",
      (st, body))

# -- adding through the form: CSRF, Origin, and then done
st, h, page = req("GET", "/ui/new", cookie=sid)
tok = csrf_of(page)
check(tok is not None, "the form carries a CSRF token", page[:300])
good = {"csrf": tok, "title": "CDC meeting", "when": "mid March 2024", "kind": "meeting", "actors": "KHM, JPN",
        "tags": "demining", "where": "Phnom Penh"}
for what, form, hdr, c in (
        ("no CSRF token", {k: v for k, v in good.items() if k != "csrf"}, {}, sid),
        ("a wrong CSRF token", dict(good, csrf="1" * 64), {}, sid),
        ("another session's CSRF token", good, {}, sid2),
        ("a foreign Origin", good, {"Origin": "http://evil.example"}, sid),
        ("a reader", dict(good, csrf=csrf_of(req("GET", "/ui/agenda", cookie=rsid)[2])), {}, rsid)):
    st, h, body = req("POST", "/ui/events", cookie=c, form=form, headers=hdr)
    check(st == 403, "add with %s: 403" % what, (st, body[:300]))
st, h, body = api("GET", "/v1/events", ED)
check(json.loads(body)["count"] == 0, "nothing refused was written", body[:300])
st, h, body = req("POST", "/ui/events", cookie=sid, form=good, headers={"Origin": "http://127.0.0.1:%d" % PORT})
loc = h.get("location", "")
check(st == 303 and re.match(r"^/ui/events/\d+$", loc), "add through the form: to the event's page", (st, loc, body[:500]))
eid = loc.rsplit("/", 1)[-1]
st, h, body = api("GET", "/v1/events/" + eid, ED)
ev = json.loads(body)
check(ev.get("when") == "2024-03-11~/2024-03-20~" and ev.get("actors") == ["KHM", "JPN"] and ev.get("kind") == "meeting",
      "the event as stored: EDTF of the typed date, actors split", ev)
st, h, body = api("GET", "/v1/events/%s/history" % eid, ED)
check(json.loads(body)["changes"][0]["author"] == "ana", "its history names the user who added it", body)
st, h, body = req("POST", "/ui/events", cookie=sid, form=dict(good, when="whenever"))
check(st == 400 and "Date: cannot read the date" in body and 'value="CDC meeting"' in body,
      "a bad date: 400, the message, what was typed kept", (st, body[:300]))

# -- editing: the revision the page showed, or 412
st, h, page = req("GET", "/ui/events/%s/edit" % eid, cookie=sid)
m = re.search(r'name="rev" value="(\d+)"', page)
check(st == 200 and m and 'value="KHM, JPN"' in page, "the edit form: the event's values and revision", page[:300])
rev = m.group(1) if m else "0"
st, h, body = api("PATCH", "/v1/events/" + eid, ED2, {"status": "confirmed"}, {"If-Match": '"%s"' % rev})
check(st == 200, "another editor changes it meanwhile (API)", (st, body))
edit = dict(good, rev=rev, title="CDC meeting (moved)", status="held")
st, h, body = req("POST", "/ui/events/" + eid, cookie=sid, form=edit)
check(st == 412 and "Someone changed this event" in body and "confirmed" in body,
      "the stale edit: 412, the form shows the event as it is now", (st, body[:400]))
st, h, body = api("GET", "/v1/events/" + eid, ED)
check(json.loads(body)["title"] == "CDC meeting", "the stale edit wrote nothing", body)
st, h, page = req("GET", "/ui/events/%s/edit" % eid, cookie=sid)
rev = re.search(r'name="rev" value="(\d+)"', page).group(1)
st, h, body = req("POST", "/ui/events/" + eid, cookie=sid, form=dict(edit, rev=rev, where=""))
check(st == 303, "the edit on the current revision: done", (st, body[:300]))
ev = json.loads(api("GET", "/v1/events/" + eid, ED)[2])
check(ev["title"] == "CDC meeting (moved)" and ev["status"] == "held" and "where" not in ev,
      "the edit as stored: changed, and an emptied field removed", ev)
st, h, body = req("GET", "/ui/events/" + eid, cookie=sid)
check('<ul class="diff"><li>title: &quot;CDC meeting&quot; -&gt; &quot;CDC meeting (moved)&quot;</li>' in body and
      "status: confirmed -&gt; held" in body and "where: &quot;Phnom Penh&quot; -&gt; (none)" in body,
      "the event's history says what each update changed", re.findall(r'<ul class="diff">.*?</ul>', body))
# What the form shows and a browser sends back unchanged stays as it is:
# a season or a quarter (its EDTF read back as a span of years, or
# refused), a tag with a comma (split in two), notes with line breaks
# (sent back as CRLF), an actor whose name holds a comma.
for when in ("2024-24", "2024-33", "2024-28", "2024-12-01T10:00:00Z"):
    st, h, body = api("POST", "/v1/events?new-value=1", ED2, {
        "title": "Kept " + when, "when": when, "tags": ["water, sanitation", "health"],
        "notes": "line one\nline two\n", "actors": ["Korea, Republic of, the", "KHM"]})
    kid = json.loads(body)["id"] if st == 201 else 0
    before = json.loads(api("GET", "/v1/events/%d" % kid, ED2)[2])
    st, h, page = req("GET", "/ui/events/%d/edit" % kid, cookie=sid)
    ff = FormFields()
    ff.feed(page)
    fields = dict(ff.fields, title="Kept " + when + " (renamed)")
    st, h, body = req("POST", "/ui/events/%d" % kid, cookie=sid, form=browser_post(fields))
    after = json.loads(api("GET", "/v1/events/%d" % kid, ED2)[2])
    same = all(after.get(k) == before.get(k) for k in ("when", "tags", "notes", "actors", "kind", "status"))
    check(st == 303 and same and after["title"].endswith("(renamed)"),
          "an edit of the title alone, the form sent as shown (%s): nothing else changes" % when,
          (st, body[:300], before, after))
# The form takes what the API takes: a kind the store's settings add, a
# typo refused with the nearest, a new name kept only when asked (it
# offered a closed list, and had no way to keep a new actor).
subprocess.run([ATT, "--store", STORE, "config", "--add", "vocab.kinds", "summit"], check=True, capture_output=True)
sidv = login(ED2)[0]  # (another user: ana's requests a second stay under the rate limit)
st, h, page = req("GET", "/ui/new", cookie=sidv)
ff = FormFields()
ff.feed(page)
base = dict(ff.fields, title="Leaders' summit", when="2024-05-20")
st, h, body = req("POST", "/ui/events", cookie=sidv, form=dict(base, kind="summit"))
loc = h.get("location", "")
ev = json.loads(api("GET", "/v1" + loc[3:], ED2)[2]) if st == 303 else {}
check(st == 303 and ev.get("kind") == "summit", "the form takes a kind of the store's settings", (st, body[:300]))
st, h, body = req("POST", "/ui/events", cookie=sidv, form=dict(base, kind="meetng"))
check(st == 400 and "did you mean" in body, "a typo'd kind: 400 with the nearest, as the API", (st, body[:300]))
st, h, body = req("POST", "/ui/events", cookie=sidv, form=dict(base, actors="Atlantis"))
check(st == 400 and "unknown actor" in body, "an unknown actor: refused", (st, body[:300]))
st, h, body = req("POST", "/ui/events", cookie=sidv, form=dict(base, actors="Atlantis, Japan", **{"new-value": "1"}))
loc = h.get("location", "")
ev = json.loads(api("GET", "/v1" + loc[3:], ED2)[2]) if st == 303 else {}
check(st == 303 and ev.get("actors") == ["Atlantis", "JPN"], "with the box: a new actor kept, a known one read",
      (st, body[:300], ev))
st, h, body = req("POST", "/ui/events/" + eid, cookie=rsid, form=dict(edit, csrf=csrf_of(req("GET", "/ui/agenda", cookie=rsid)[2])))
check(st == 403, "a reader's edit: 403", st)
st, h, body = req("GET", "/ui/new", cookie=rsid)
check(st == 403, "a reader's form: 403", st)
st, h, body = req("GET", "/ui/agenda", cookie=rsid)
check('href="/ui/new"' not in body, "a reader is not offered Add", body[:600])
st, h, body = req("GET", "/ui/events/" + eid, cookie=rsid)
check("/edit" not in body, "a reader is not offered Edit", body[:600])

# -- HTML injection through every field into every page
P = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>', "'><svg onload=alert(3)>",
     '</textarea><b>4</b>', '&lt;b&gt;5', 'javascript:alert(6)']
payload = " ".join(P)
st, h, body = api("POST", "/v1/events?new-value=1", ED, {
    "title": "T " + payload, "when": "2024-03-15", "kind": "meeting", "where": payload,
    "actors": [P[0], "KHM"], "tags": [P[1]], "notes": payload + "\nline two",
    "people": [{"name": P[0], "role": P[1], "actor": P[2]}],
    "source": {"title": P[0], "url": "javascript:alert(7)", "publisher": P[1], "published": "2024-03-01"},
    "fields": {"x": payload}, "links": [{"rel": "related", "id": int(eid)}]})
check(st == 201, "an event with a payload in every field (API)", (st, body[:300]))
bad_id = json.loads(body)["id"] if st == 201 else 0
st, h, body = api("POST", "/v1/events", ED, {"title": "J", "when": "2024-03-16",
                                             "source": {"title": "src", "url": "javascript:alert(8)"}})
targets = ["/ui/agenda?from=2024-03-11", "/ui/agenda?span=month&from=2024-03-01", "/ui/events",
           "/ui/events?text=" + urllib.parse.quote(payload) + "&actor=" + urllib.parse.quote(P[1]),
           "/ui/events/%d" % bad_id, "/ui/events/%d/edit" % bad_id, "/ui/alerts",
           "/ui/events/" + urllib.parse.quote(payload), "/ui/login?next=" + urllib.parse.quote(payload),
           "/ui/agenda?span=" + urllib.parse.quote(payload)]
for t in targets:
    st, h, body = req("GET", t, cookie=sid)
    found = audit(body)
    check(not found and "<script>alert" not in body and "<img" not in body and "<svg" not in body,
          "GET %s: the payloads are text, never markup (%d)" % (t[:60], st), found)
st, h, body = req("GET", "/ui/events/%d" % bad_id, cookie=sid)
check("&lt;script&gt;alert(1)&lt;/script&gt;" in body and "&amp;lt;b&amp;gt;5" in body,
      "the payloads shown as the text they are", body[:200])
check('href="javascript' not in body, "a javascript: source URL is not a link", re.findall(r'href="[^"]*"', body))
# Direction controls shown as the command line shows them (\u202E): an
# override in a title reversed the rest of every page it was on.
st, h, body = api("POST", "/v1/events?new-value=1", ED2, {"title": "Talks on demining \u202e reversed",
                                                         "when": "2024-03-14", "kind": "talks",
                                                         "notes": "a \u2066 b"})
check(st == 201, "an event with direction controls (API)", (st, body[:300]))
bidi_id = json.loads(body)["id"] if st == 201 else 0
for t in ("/ui/agenda?from=2024-03-11", "/ui/events", "/ui/events/%d" % bidi_id, "/ui/events/%d/edit" % bidi_id):
    st, h, page = req("GET", t, cookie=sid)
    raw = [c for c in ("\u202e", "\u2066") if c in page]
    check(st == 200 and not raw and "\\u202E" in page, "GET %s: direction controls shown as \\uXXXX" % t,
          (st, raw))

# -- a form posted with the payload as the CSRF token, or with HTML in the date
st, h, body = req("POST", "/ui/events", cookie=sid, form=dict(good, csrf=P[1]))
check(st == 403 and not audit(body), "a payload as the CSRF token: 403, escaped", (st, audit(body)))
st, h, body = req("POST", "/ui/events", cookie=sid, form=dict(good, when=P[1], title=P[0]))
check(st == 400 and not audit(body), "a payload as the date: 400, escaped", (st, audit(body)))

# -- static files and traversal
for p, ctype in (("/ui/static/app.css", "text/css"), ("/ui/static/app.js", "text/javascript"),
                 ("/ui/static/icon.svg", "image/svg+xml")):
    st, h, body = req("GET", p)
    check(st == 200 and h.get("content-type", "").startswith(ctype) and len(body) > 90,
          "GET %s: served without a session" % p, (st, h))
for p in ("/ui/static/../../../etc/passwd", "/ui/static/%2e%2e/%2e%2e/etc/passwd", "/ui/static/..%2f..%2fetc%2fpasswd",
          "/ui/static//etc/passwd", "/ui/static/app.css/../../../etc/passwd", "/ui/static/app.css%00.js",
          "/ui/static/", "/ui/static/APP.CSS", "/ui/../etc/passwd", "/ui/static/app.css.bak"):
    s = socket.create_connection(("127.0.0.1", PORT), timeout=WAIT)
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % p).encode())
    data = b""
    while True:
        k = s.recv(65536)
        if not k:
            break
        data += k
    s.close()
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0
    check(status in (303, 400, 404) and b"root:" not in data, "GET %s: %d, nothing read from files" % (p, status),
          data[:200])

# -- the live stream sees a change made by another process
s = socket.create_connection(("127.0.0.1", PORT), timeout=WAIT)
s.sendall(("GET /ui/changes HTTP/1.1\r\nHost: x\r\nCookie: attache_session=%s\r\n\r\n" % sid).encode())
data = b""
deadline = time.monotonic() + WAIT
while b"retry:" not in data and time.monotonic() < deadline:
    data += s.recv(4096)
subprocess.run([ATT, "--store", STORE, "add", "--title", "From another shell", "--when", "2024-03-12"],
               check=True, capture_output=True)
while b"event: change" not in data and time.monotonic() < deadline:
    data += s.recv(4096)
s.close()
check(b"200 OK" in data and b"event: change" in data, "/ui/changes streams a change made by attache add", data[:400])


def stream_ends(path, headers, end, what):
    """Open the stream, end what allowed it (end()), make a change: the
    stream must close without sending it (it went on)."""
    s = socket.create_connection(("127.0.0.1", PORT), timeout=WAIT)
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n" % (path, headers)).encode())
    data = b""
    deadline = time.monotonic() + WAIT
    while b"retry:" not in data and time.monotonic() < deadline:
        data += s.recv(4096)
    end()
    subprocess.run([ATT, "--store", STORE, "add", "--title", "After " + what, "--when", "2024-03-13"],
                   check=True, capture_output=True)
    closed = False
    while time.monotonic() < deadline:
        k = s.recv(4096)
        if not k:
            closed = True
            break
        data += k
    s.close()
    check(closed and b"event: change" not in data, "%s: the stream ends, and sends nothing after" % what, data[-300:])


sid5 = login(ED)[0]
page5 = req("GET", "/ui/agenda", cookie=sid5)[2]
stream_ends("/ui/changes", "Cookie: attache_session=%s\r\n" % sid5,
            lambda: req("POST", "/ui/logout", cookie=sid5, form={"csrf": csrf_of(page5)}), "a logout")

# -- logging out, and a token removed while its session lives
st, h, page = req("GET", "/ui/agenda", cookie=sid2)
st, h, body = req("POST", "/ui/logout", cookie=sid2, form={"csrf": "2" * 64})
check(st == 403, "logout without the CSRF token: 403", st)
st, h, body = req("POST", "/ui/logout", cookie=sid2, form={"csrf": csrf_of(page)})
check(st == 303 and "Max-Age=0" in h.get("set-cookie", ""), "logout: the cookie cleared", (st, h))
st, h, body = req("GET", "/ui/agenda", cookie=sid2)
check(st == 303 and "/ui/login" in h.get("location", ""), "the old session id is dead after logout", (st, h))
stream_ends("/v1/changes", "Authorization: Bearer %s\r\n" % ED2,
            lambda: subprocess.run([ATT, "--store", STORE, "user", "lock", "cy"], check=True,
                                   capture_output=True), "a user locked (API stream)")
subprocess.run([ATT, "--store", STORE, "user", "unlock", "cy"], check=True, capture_output=True)
sid3 = login(ED2)[0]
subprocess.run([ATT, "--store", STORE, "user", "lock", "cy"], check=True, capture_output=True)
st, h, body = req("GET", "/ui/agenda", cookie=sid3)
check(st == 303 and h.get("location") == "/ui/login", "a locked user's session: to the login", (st, h))
subprocess.run([ATT, "--store", STORE, "user", "unlock", "cy"], check=True, capture_output=True)
st, h, body = req("GET", "/ui/agenda", cookie=sid3)
check(st == 303 and "/ui/login" in h.get("location", ""), "unlocking the user does not bring the session back",
      (st, h))
subprocess.run([ATT, "--store", STORE, "user", "rm", "bob"], check=True, capture_output=True)
st, h, body = req("GET", "/ui/agenda", cookie=rsid)
check(st == 303 and h.get("location") == "/ui/login", "a removed user's session: to the login at once", (st, h))

print("1..%d" % n)
sys.exit(failed)
