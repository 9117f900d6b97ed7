#!/usr/bin/env python3
"""The HTTP server of `attache serve --listen` from outside, as clients
see it (tests/cli/serve_http.sh starts the daemon and runs this):

    python3 http_check.py PORT UNIXSOCK SPEC EDITOR_TOKEN READER_TOKEN ATTACHE STORE TIMEOUT

Each check prints "ok N - what" or "not ok N - what: why"; the exit
status is the number that failed.  Every wait is a socket timeout or a
poll with a deadline, never a fixed sleep.
"""
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time

PORT, SOCK, SPEC, ED, RD, ATT, STORE, TIMEOUT = sys.argv[1:9]
PORT, TIMEOUT = int(PORT), float(TIMEOUT)
WAIT = 60.0 if len(sys.argv) < 10 else float(sys.argv[9])
n = failed = 0


def check(cond, what, why=""):
    global n, failed
    n += 1
    if cond:
        print("ok %d - %s" % (n, what))
    else:
        failed += 1
        print("not ok %d - %s: %s" % (n, what, why))


def req(method, path, token=None, body=None, headers=None, sock=False):
    """One request on a new connection: (status, headers, body)."""
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    if body is not None and not isinstance(body, bytes):
        body = json.dumps(body).encode()
    if sock:
        c = http.client.HTTPConnection("localhost", timeout=WAIT)
        c.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.sock.settimeout(WAIT)
        c.sock.connect(SOCK)
    else:
        c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=WAIT)
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data


def raw(data, chunks=None, read_until_close=True):
    """Send bytes on a new TCP connection; all that comes back until the
    server closes it (or WAIT)."""
    s = socket.create_connection(("127.0.0.1", PORT), timeout=WAIT)
    for part in chunks or [data]:
        s.sendall(part)
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
            if not read_until_close:
                break
    except socket.timeout:
        out += b"<timeout>"
    s.close()
    return out


def statuses(text):
    return [int(x) for x in re.findall(rb"HTTP/1\.1 (\d{3}) ", text)]


# -- the description, as served, is the one in the tree
st, h, body = req("GET", "/v1/openapi.json")
spec = json.load(open(SPEC, encoding="utf-8"))
check(st == 200 and json.loads(body) == spec, "GET /v1/openapi.json serves docs/api/openapi.json", st)

# -- every route and method of the description, over HTTP: the status is declared
declared = {}
for path, ops in spec["paths"].items():
    for m, op in ops.items():
        if m == "parameters":
            continue
        declared[(path, m.upper())] = set(int(k) for k in op["responses"])
undeclared = []
for (path, m) in sorted(declared):
    p = path.replace("{event}", "1").replace("{name}", "upcoming")
    for tok in (None, RD, ED):
        if path == "/v1/changes" and tok:
            continue  # a stream: below
        hdr = {"If-Match": '"999"'} if m in ("PATCH", "DELETE") else {}
        b = {"status": "held"} if m in ("PATCH", "POST") else None
        if m == "POST" and path == "/v1/events":
            b = {"title": "Route check", "when": "2024-05"}
        st, h, body = req(m, p, tok, b, hdr)
        if st not in declared[(path, m)]:
            undeclared.append("%s %s -> %d" % (m, p, st))
        if st >= 400 and json.loads(body)["error"]["status"] != st:
            undeclared.append("%s %s: the error body says another status" % (m, p))
check(not undeclared, "every route of the description, with no token, a reader's and an editor's: "
      "each status declared, each error JSON", undeclared)

# -- health, HEAD, unknown routes, traversal
st, h, body = req("HEAD", "/v1/health")
check(st == 200 and body == b"" and h.get("content-length") == "11", "HEAD: the GET's headers, no body", (st, h, body))
st, h, body = req("GET", "/", ED)
check(st == 303 and h.get("location") == "/ui/agenda", "GET /: to the web page's agenda", (st, h))
for p in ("/v1/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/v1/events/../../x", "/index.html"):
    st, h, body = req("GET", p, ED)
    check(st == 404, "GET %s: 404, nothing read from files" % p, (st, body))
st, h, body = req("GET", "/v1/events/a%00b", ED)
check(st == 400, "a NUL byte in the path: 400", (st, body))
# Bytes that are not UTF-8, in a path, a filter, a name: every error is
# still JSON, the bytes shown as \xNN (they were copied as they came).
for p in ("/v1/events/%FF", "/v1/agenda?from=%FF", "/v1/nope%FF", "/v1/events?%FF=1", "/v1/events?kind=%FF%FE",
          "/v1/events?actor=%C3", "/v1/events/%C3%28/history", "/v1/reports/%FF"):
    st, h, body = req("GET", p, ED)
    try:
        msg = json.loads(body.decode("utf-8"))["error"]["message"]
    except (ValueError, KeyError, TypeError) as e:
        msg = None
    check(st in (400, 404) and msg is not None and "\\x" in msg, "GET %s: %d, an error in valid JSON" % (p, st),
          (st, body[:200]))

# -- writes: roles, authors, concurrency
st, h, body = req("POST", "/v1/events", ED, {"title": "CDC meeting", "when": "2024-03-12", "kind": "meeting",
                                             "actors": ["KHM"], "key": "cdc"})
check(st == 201 and h.get("location", "").startswith("/v1/events/") and h.get("etag") == '"1"',
      "POST by an editor: 201, Location, ETag", (st, h, body))
loc = h.get("location", "/v1/events/0")
st, h, body = req("POST", "/v1/events", RD, {"title": "x", "when": "2024"})
check(st == 403, "POST by a reader: 403", (st, body))
st, h, body = req("POST", "/v1/events", None, {"title": "x", "when": "2024"})
check(st == 401 and h.get("www-authenticate", "").startswith("Bearer"), "POST without a token: 401, WWW-Authenticate",
      (st, h))
# The scheme's name is case-insensitive (RFC 7235): "bearer" works, and
# is no failure that would lock the client out.
for scheme in ("bearer", "BEARER", "Bearer  "):
    st, h, body = req("GET", "/v1/whoami", None, headers={"Authorization": scheme + " " + RD})
    check(st == 200, "Authorization: %r TOKEN: 200" % scheme, (st, body))
st, h, body = req("GET", "/v1/whoami", None, headers={"Authorization": "Basic " + RD})
check(st == 401 and b"not Bearer TOKEN" in body, "Authorization: Basic: 401 naming the scheme", (st, body))
st, h, body = req("POST", "/v1/events", ED, b'{"title": "no date"}')
check(st == 400 and b"when" in body, "POST without a date: 400 naming it", body)
st, h, body = req("PATCH", loc, ED, {"status": "held"})
check(st == 428, "PATCH without If-Match: 428", st)
st, h, body = req("PATCH", loc, ED, {"status": "held"}, {"If-Match": '"7"'})
check(st == 412 and json.loads(body).get("event", {}).get("rev") == 1, "PATCH with another ETag: 412 with the event",
      (st, body))
# A body that is not exactly JSON is refused as --json is, never read as
# cJSON reads it (036 as 36, text after the object ignored, a NUL cutting
# a string), and nothing is written.
for bad, why in ((b'{"fields":{"c":036}}', "is not a JSON number"), (b'{"notes":"x"} trailing', "after the JSON value"),
                 (b'{"notes":"a\\u0000b"}', "NUL"), (b'{"fields":{"n":12345678901234567890}}', "would lose digits")):
    st, h, body = req("PATCH", loc, ED, bad, {"If-Match": '"1"', "Content-Type": "application/json"})
    check(st == 400 and why in body.decode(), "PATCH with %r: 400 saying %r" % (bad, why), (st, body))
# If-Match as RFC 9110 has it: a list of tags, compared strongly (a weak
# tag never matches), "*" for any; nothing else matches.
for im in ('W/"1"', '"1"x', '"1', '1', '"7" "1"', ''):
    st, h, body = req("PATCH", loc, ED, {"status": "held"}, {"If-Match": im})
    check(st == 412, "PATCH with If-Match: %s: 412" % im, (st, body[:200]))
st, h, body = req("PATCH", loc, ED, {"status": "held"}, {"If-Match": '"7", W/"8" ,"1"'})
check(st == 200 and h.get("etag") == '"2"', "PATCH with the ETag in a list: 200, the new ETag", (st, h))
log = subprocess.run([ATT, "--store", STORE, "log", "--json"], capture_output=True, text=True).stdout
authors = [json.loads(l).get("author") for l in log.splitlines() if l.strip()]
check(authors[:2] == ["ana", "ana"] or authors[-2:] == ["ana", "ana"], "the history records the token's user", authors)

# -- names are read as the command line reads them (names.md): an actor by
# its name is stored and found by its code, a typo'd kind, status or
# actor is refused naming the nearest, in writes and in filters alike.
st, h, body = req("POST", "/v1/events", ED, {"title": "Talks", "when": "2024-05-01", "kind": "talks",
                                             "actors": ["Japan", "JPN", "Cambodia"]})
check(st == 201 and json.loads(body).get("actors") == ["JPN", "KHM"], "POST with names: stored as codes, once",
      (st, body))
names_loc = h.get("location", "/v1/events/0")
for bad, why in (({"kind": "meetng"}, 'did you mean "meeting"'), ({"status": "helt"}, 'did you mean "held"'),
                 ({"actors": ["Cambodge"]}, "actors: ")):
    b = {"title": "x", "when": "2024"}
    b.update(bad)
    st, h, body = req("POST", "/v1/events", ED, b)
    msg = json.loads(body).get("error", {}).get("message", "") if st == 400 else ""
    check(st == 400 and why in msg, "POST with %r: 400 saying %r" % (bad, why), (st, body))
st, h, body = req("POST", "/v1/events?new-value=1", ED, {"title": "x", "when": "2024", "actors": ["Cambodge", "Japan"]})
check(st == 201 and json.loads(body).get("actors") == ["Cambodge", "JPN"],
      "POST ?new-value=1 keeps a new name and still reads a known one (as --new-value)", (st, body))
# People's actors are names too, as on the command line.
st, h, body = req("POST", "/v1/events", ED, {"title": "Visit", "when": "2024-06-01",
                                             "people": [{"name": "A. Minister", "actor": "Japan"}]})
check(st == 201 and json.loads(body).get("people", [{}])[0].get("actor") == "JPN",
      "POST with a person's actor by name: its code", (st, body))
st, h, body = req("POST", "/v1/events", ED, {"title": "Visit", "when": "2024-06-01",
                                             "people": [{"name": "A. Minister", "actor": "Japn"}]})
check(st == 400 and b"did you mean" in body and b"people" in body, "a person's unknown actor: 400 naming the nearest",
      (st, body))
st, h, body = req("GET", "/v1/events?actor=Japan", RD)
check(st == 200 and any(e["title"] == "Talks" for e in json.loads(body)["events"]), "GET ?actor=Japan finds JPN's",
      (st, body))
st, h, body = req("GET", "/v1/events?limit=1&limit=2", RD)
check(st == 400 and b"limit given twice" in body, "GET ?limit=1&limit=2: 400, not the last taken", (st, body))
for q in ("actor=Japn", "kind=meetingg", "status=helt"):
    st, h, body = req("GET", "/v1/events?" + q, RD)
    check(st == 400 and b"did you mean" in body, "GET ?%s: 400 with the nearest, not an empty list" % q, (st, body))
st, h, body = req("GET", names_loc, RD)
tag = h.get("etag", '"0"')
st, h, body = req("PATCH", names_loc, ED, {"actors": ["JPN", "Thailand"]}, {"If-Match": tag})
check(st == 200 and json.loads(body).get("actors") == ["JPN", "THA"], "PATCH with a name: its code", (st, body))

# A removal that others' links block: 409 with advice the API can take.
st, h, body = req("POST", "/v1/events", ED, {"title": "target", "when": "2024"})
tgt = json.loads(body)["id"] if st == 201 else 0
st, h, body = req("POST", "/v1/events", ED, {"title": "linker", "when": "2024", "links": [{"rel": "follows", "id": tgt}]})
st, h, body = req("DELETE", "/v1/events/%d" % tgt, ED, headers={"If-Match": '"1"'})
check(st == 409 and b"force the removal" not in body and b"attache rm --force %d" % tgt in body,
      "DELETE of a linked event: 409 without advice the API cannot take", (st, body))
# A removed event's history stays readable by its id, as `attache log ID`.
st, h, body = req("POST", "/v1/events", ED, {"title": "short-lived", "when": "2024", "key": "short-lived"})
gone = json.loads(body)["id"] if st == 201 else 0
st, h, body = req("DELETE", "/v1/events/%d" % gone, ED, headers={"If-Match": '"1"'})
check(st == 204, "DELETE of an event no one links to: 204", (st, body))
st, h, body = req("GET", "/v1/events/%d/history" % gone, RD)
ops = [c["op"] for c in json.loads(body)["changes"]] if st == 200 else []
check(st == 200 and ops == ["remove", "add"], "GET /v1/events/ID/history of a removed event: its changes", (st, body[:300]))
st, h, body = req("GET", "/v1/events/short-lived/history", RD)
check(st == 404 and b"found by its id" in body, "by the key it had: 404 saying to use the id", (st, body))
st, h, body = req("GET", "/v1/events/99999/history", RD)
check(st == 404 and b"never added" in body, "of an id never added: 404", (st, body))

# -- the unix socket
st, h, body = req("GET", "/v1/events?actor=KHM", RD, sock=True)
check(st == 200 and json.loads(body)["count"] == 1, "GET over the unix socket, with a filter", (st, body))
st, h, body = req("GET", "/v1/events?text=CDC+meeting&limit=5", RD)
check(st == 200 and json.loads(body)["count"] == 1, "a query decoded: '+' is a space", (st, body))
st, h, body = req("GET", "/v1/events?text=CDC%20meeting", RD)
check(st == 200 and json.loads(body)["count"] == 1, "a query decoded: %20", (st, body))

# -- reports: run off the loop, read-only, their output and content type
st, h, body = req("GET", "/v1/reports", RD)
check(st == 200 and json.loads(body)["reports"] == ["agenda", "broken", "page", "slow", "timeline", "upcoming"],
      "GET /v1/reports lists the reports directory and the reports that ship", (st, body))
st, h, body = req("GET", "/v1/reports/agenda?from=2024-03-01&days=31&title=Desk+%26+co", RD)
check(st == 200 and h["content-type"].startswith("text/plain") and b"Desk & co, 01 Mar 2024 to 31 Mar 2024" in body
      and b"CDC meeting" in body, "the shipped agenda, with the query's arguments", (st, body[:300]))
st, h, body = req("GET", "/v1/reports/timeline?from=2024", RD)
check(st == 200 and h["content-type"] == "text/html; charset=utf-8" and b"<svg" in body,
      "the shipped timeline: HTML, its content type from its first line", (st, h.get("content-type"), body[:100]))
st, h, body = req("GET", "/v1/reports/agenda?days=0", RD)
check(st == 500 and "days=0: give a whole number" in json.loads(body)["error"]["message"],
      "a shipped report's own error, as the message", (st, body[:300]))
st, h, body = req("GET", "/v1/reports/upcoming?from=2024-03&title=Desk+%26+co", RD)
check(st == 200 and h["content-type"].startswith("text/plain") and b"Desk & co" in body and b"CDC meeting" in body,
      "a report's text, its query's parameters as its arguments", (st, h, body[:300]))
st, h, body = req("GET", "/v1/reports/page", RD)
check(st == 200 and h["content-type"] == "text/html; charset=utf-8" and body.startswith(b"<!DOCTYPE html>"),
      "a report's first line sets its content type", (st, h.get("content-type"), body[:100]))
st, h, body = req("GET", "/v1/reports/broken", RD)
msg = json.loads(body)["error"]["message"] if st == 500 else ""
check(st == 500 and "broken on purpose" in msg, "a failing report: 500 with its error", (st, body[:300]))
st, h, body = req("GET", "/v1/reports/upcoming?write=1", RD)
check(st == 200 and b"no write" in body, "a report runs read-only", (st, body[:300]))
st, h, body = req("GET", "/v1/reports/upcoming?write=outside", RD)
out = body.decode()
check(st == 200 and re.search(r"^alert\ttrue\tnil\t.*read as of", out, re.M) and "[info]" not in out,
      "a report's at.alert: nil and why, nothing sent", (st, out[:400]))
check("report.write\tnil" in out, "a report's report.write without the daemon's --out: nil", out[:400])
check("read cwd\tnil" in out and "not for scripts" not in out, "a report cannot read where the daemon was started",
      out[:400])
log = subprocess.run([ATT, "--store", STORE, "alerts", "--key", "from-a-report"], capture_output=True, text=True).stdout
check("a report's alert" not in log, "no alert logged by a report", log)

for p in ("/v1/reports/nope", "/v1/reports/..%2F..%2Fetc%2Fpasswd", "/v1/reports/.hidden"):
    st, h, body = req("GET", p, RD)
    check(st == 404, "GET %s: 404" % p, (st, body[:200]))
import threading
slow = []
def run_slow():
    st, h, body = req("GET", "/v1/reports/slow", RD)
    slow.append((st, h.get("retry-after")))
ts = [threading.Thread(target=run_slow) for _ in range(3)]
for t in ts:
    t.start()
st2, h2, b2 = req("GET", "/v1/health")
for t in ts:
    t.join()
check(sorted(slow) == [(200, None), (200, None), (503, "1")], "three reports at once: two run, the third is 503 "
      "with Retry-After", slow)
check(st2 == 200, "the loop answers while reports run")

# -- keep-alive and pipelining: answers in order, on one connection
c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=WAIT)
for i in range(3):
    c.request("GET", "/v1/health")
    r = c.getresponse()
    r.read()
check(r.status == 200, "three requests on one kept-alive connection")
c.close()
out = raw(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n"
          b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
check(statuses(out) == [200, 404, 200], "three pipelined requests: three answers, in order", out[:300])

# -- malformed HTTP and smuggling: 400, and the connection closes, so
# that nothing after the bad request is read as another
bad = {
    "Content-Length and Transfer-Encoding": b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n",
    "two Content-Lengths": b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\n"
    b"abcdGET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n",
    "a negative Content-Length": b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    "a space before the colon": b"GET /v1/health HTTP/1.1\r\nHost : x\r\n\r\n",
    "a chunk size that is not hex": b"POST /v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"zz\r\nabc\r\n0\r\n\r\n",
    "a bare LF in a chunk": b"POST /v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n",
    "garbage": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello\r\n\r\n",
    "no Host in HTTP/1.1": b"GET /v1/health HTTP/1.1\r\n\r\n",
    "two Hosts": b"GET /v1/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    "two Authorizations": b"GET /v1/events HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer x\r\nAuthorization: Bearer "
    + ED.encode() + b"\r\n\r\n",
    "an upgrade": b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
    "CONNECT": b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n",
    "a Transfer-Encoding other than chunked last": b"POST /v1/events HTTP/1.1\r\nHost: x\r\n"
    b"Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
}
for what, data in bad.items():
    out = raw(data)
    sts = statuses(out)
    check(len(sts) == 1 and sts[0] in (400, 501) and b"Connection: close" in out and b"<timeout>" not in out,
          "%s: one 400 and the connection closes" % what, out[:400])

# -- limits: bodies, headers, URL, Expect
out = raw(b"POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ED.encode() +
          b"\r\nContent-Length: 2000000\r\n\r\n")
check(statuses(out) == [413] and b"<timeout>" not in out, "a Content-Length over 1 MiB: 413 before the body, closed",
      out[:300])
chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
out = raw(None, [b"POST /v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"] + [chunk] * 17)
check(statuses(out) == [413], "a chunked body growing past 1 MiB: 413, closed", out[:300])
out = raw(b"GET /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + b"a" * 5000 + b"\r\n\r\n")
check(statuses(out) == [431], "an Authorization over 4 KiB: 431", out[:300])
out = raw(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 40000 + b"\r\n\r\n")
check(statuses(out) == [400], "headers over 32 KiB: 400, closed", out[:300])
out = raw(b"GET /v1/" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
check(statuses(out) == [414], "a URL over 8 KiB: 414", out[:300])
body = json.dumps({"title": "Expected", "when": "2024-06"}).encode()
out = raw(b"POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ED.encode() +
          b"\r\nExpect: 100-continue\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
check(statuses(out) == [100, 201], "Expect: 100-continue: 100, then 201", out[:300])
out = raw(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nExpect: gifts\r\n\r\n")
check(statuses(out) == [417], "Expect: anything else: 417", out[:300])

# -- slow clients: a request that does not arrive in time is 408 and
# closed; an idle connection is closed
t0 = time.monotonic()
out = raw(None, [b"GET /v1/health HTTP/1.1\r\nHost: x\r\n"])
took = time.monotonic() - t0
check(statuses(out) == [408] and took >= TIMEOUT * 0.9, "a request cut off (slowloris): 408 after the "
      "request timeout, closed (%.1f s, timeout %.0f s)" % (took, TIMEOUT), out[:300])
t0 = time.monotonic()
out = raw(b"")
took = time.monotonic() - t0
check(out == b"" and took >= TIMEOUT * 0.9, "an idle connection: closed after the timeout (%.1f s)" % took, out)
# one byte a second never resets the deadline: it runs from the first byte
s = socket.create_connection(("127.0.0.1", PORT), timeout=WAIT)
t0 = time.monotonic()
closed = False
got = b""
for ch in b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200:
    try:
        s.sendall(bytes([ch]))
    except OSError:
        closed = True
        break
    s.settimeout(TIMEOUT / 4)
    try:
        b = s.recv(4096)
        got += b
        if not b or b"408" in got:
            closed = True
            break
    except socket.timeout:
        pass
    if time.monotonic() - t0 > WAIT:
        break
s.close()
check(closed and time.monotonic() - t0 < TIMEOUT * 3 + 5, "a byte every %.1f s: answered 408 within the timeout "
      "of the first byte" % (TIMEOUT / 4), got[:200])

# -- the event stream: changes by the API and by another process
s = socket.create_connection(("127.0.0.1", PORT), timeout=WAIT)
s.sendall(b"GET /v1/changes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + RD.encode() + b"\r\n\r\n")
buf = b""
deadline = time.monotonic() + WAIT
while b"retry:" not in buf and time.monotonic() < deadline:
    buf += s.recv(4096)
check(buf.startswith(b"HTTP/1.1 200") and b"text/event-stream" in buf, "GET /v1/changes: an event stream", buf[:300])
st, h, body = req("POST", "/v1/events", ED, {"title": "Visit of the minister", "when": "2024-07"})
new_id = json.loads(body).get("id")
subprocess.run([ATT, "--store", STORE, "add", "--title", "From another shell", "--when", "2024-08"],
               capture_output=True, check=True)
want = [b'"op":"add","id":%d' % new_id, b'"op":"add","id":%d' % (new_id + 1)]
while not all(w in buf for w in want) and time.monotonic() < deadline:
    try:
        buf += s.recv(4096)
    except socket.timeout:
        break
check(all(w in buf for w in want), "the stream tells of an add over HTTP and of one by `attache add`", buf[-400:])
s.close()

# -- a client that never reads what it asked for: the server stops reading
# from it, serves others, and closes it after three request timeouts
s = socket.create_connection(("127.0.0.1", PORT), timeout=WAIT)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
one = b"GET /v1/openapi.json HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"p" * 4000 + b"\r\n\r\n"
sent = 0
s.settimeout(2)
try:
    for i in range(5000):
        s.sendall(one)
        sent += 1
except (socket.timeout, OSError):
    pass
st, h, body = req("GET", "/v1/health")
check(st == 200 and sent < 5000, "a client that sends without reading is held back (%d requests taken), and "
      "others are served" % sent, (st, sent))
t0 = time.monotonic()
s.settimeout(WAIT)
closed = False
while time.monotonic() - t0 < WAIT and not closed:
    try:
        time.sleep(0)
        b = s.recv(1 << 20)
        if not b:
            closed = True
    except (ConnectionResetError, socket.timeout):
        closed = True
s.close()
check(closed, "and its connection is closed in the end (%.1f s)" % (time.monotonic() - t0))

# -- a client address that sends wrong tokens is locked out: last, as it
# locks this address out
for i in range(10):
    req("GET", "/v1/events", "att_" + "0" * 64)
st, h, body = req("GET", "/v1/events", RD)
check(st == 401, "after 10 wrong tokens from an address, its right token is refused too", (st, body))
st, h, body = req("GET", "/v1/events", RD, sock=True)
check(st == 200, "while another client (the unix socket) is served", (st, body))
# Over the unix socket the client is the user at the other end (the
# kernel's SO_PEERCRED): wrong tokens lock out that user only.
for i in range(10):
    req("GET", "/v1/events", "att_" + "0" * 64, sock=True)
st, h, body = req("GET", "/v1/events", RD, sock=True)
check(st == 401, "after 10 wrong tokens from a user over the unix socket, its right token is refused too", (st, body))
if os.geteuid() == 0:
    # Another user (nobody) reaches the socket: it is not locked out.
    d = os.path.dirname(SOCK)
    while d not in ("/", ""):
        if os.stat(d).st_uid == 0:
            os.chmod(d, os.stat(d).st_mode | 0o011)
        d = os.path.dirname(d)
    os.chmod(SOCK, 0o777)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            os.setgid(65534)
            os.setuid(65534)
            st, h, body = req("GET", "/v1/events", RD, sock=True)
            os.write(w, str(st).encode())
        finally:
            os._exit(0)
    os.close(w)
    got = os.read(r, 10).decode()
    os.waitpid(pid, 0)
    check(got == "200", "while another user over the same socket is served", got)
else:
    print("# not root: the case of another user on the socket needs root to be that user")

print("1..%d" % n)
sys.exit(min(failed, 100))
