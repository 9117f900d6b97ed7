#!/usr/bin/env python3
"""HEAD of every GET route of `attache serve --listen` (RFC 9110 9.3.2):
the status and headers of the GET, with the Content-Length of the GET's
body, and no body, however the answer is made (on the loop, by the reader
process, by a report run off the loop).  A body sent after a HEAD is read
by the client as the start of the next answer: so each HEAD is followed,
on the same connection, by a GET whose answer must be whole.

    python3 head_check.py PORT TOKEN EVENT_ID WAIT

(tests/cli/serve_reader.sh starts the daemon and runs this.)  Each check
prints "ok N - what" or "not ok N - what: why"; the exit status is the
number that failed.
"""
import http.client
import re
import socket
import sys
import urllib.parse

PORT, TOKEN, EID, WAIT = sys.argv[1:5]
PORT, WAIT = int(PORT), float(WAIT)
n = failed = 0


def check(cond, what, why=""):
    global n, failed
    n += 1
    if cond:
        print("ok %d - %s" % (n, what))
    else:
        failed += 1
        print("not ok %d - %s: %s" % (n, what, str(why)[:1000]))


def login():
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=WAIT)
    c.request("POST", "/ui/login", body=urllib.parse.urlencode({"token": TOKEN}).encode(),
              headers={"Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    r.read()
    c.close()
    m = re.match(r"attache_session=([0-9a-f]{64});", r.getheader("set-cookie", ""))
    return m.group(1) if m else ""


SID = login()
check(SID != "", "a session for the pages")
AUTH = {"Authorization": "Bearer " + TOKEN, "Cookie": "attache_session=" + SID}
# Headers that differ between two answers to the same request.
VARY = {"date", "content-length", "connection", "keep-alive"}

routes = ["/v1/health", "/v1/openapi.json", "/v1/whoami", "/v1/events?limit=5",
          "/v1/events?actor=KHM&from=2024-01-01&to=2024-12-31", "/v1/events/" + EID,
          "/v1/events/" + EID + "/history", "/v1/agenda?from=2024-03-01&days=30",
          "/v1/alerts", "/v1/calendar.ics?actor=KHM", "/v1/dates?when=2024-03",
          "/v1/reports", "/v1/reports/agenda?days=30", "/v1/agenda?days=0", "/v1/no-such",
          "/ui/agenda?from=2024-03-01", "/ui/agenda?span=month&from=2024-03-01",
          "/ui/events?actor=KHM", "/ui/events/" + EID, "/ui/events/" + EID + "/edit", "/ui/new",
          "/ui/alerts", "/ui/login", "/ui/static/app.css", "/ui/static/app.js", "/ui/no-such"]

class Conn:
    """One connection, read by hand: http.client closes it after a HEAD,
    so it could not see a body left over."""

    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", PORT), timeout=WAIT)
        self.buf = b""

    def ask(self, method, path):
        head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % (method, path)
        head += "".join("%s: %s\r\n" % kv for kv in AUTH.items()) + "\r\n"
        self.s.sendall(head.encode())
        while b"\r\n\r\n" not in self.buf:
            self.more()
        top, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = top.decode("latin-1").split("\r\n")
        m = re.match(r"HTTP/1\.1 (\d{3}) ", lines[0])
        if not m:
            raise ValueError("not the start of an answer: %r" % top[:200])
        hdrs = {}
        for line in lines[1:]:
            k, v = line.split(":", 1)
            hdrs[k.strip().lower()] = v.strip()
        n = 0 if method == "HEAD" else int(hdrs.get("content-length", "0"))
        while len(self.buf) < n:
            self.more()
        body, self.buf = self.buf[:n], self.buf[n:]
        return int(m.group(1)), hdrs, body

    def more(self):
        got = self.s.recv(65536)
        if not got:
            raise ValueError("the connection closed")
        self.buf += got

    def leftover(self):
        """Bytes that came with nothing asked (waits a moment for them)."""
        self.s.settimeout(0.3)
        try:
            self.more()
        except (socket.timeout, ValueError):
            pass
        self.s.settimeout(WAIT)
        return self.buf


for path in routes:
    c = Conn()
    try:
        gst, gh, gbody = c.ask("GET", path)
        hst, hh, hbody = c.ask("HEAD", path)
        extra = c.leftover()
        nst, _, nbody = c.ask("GET", "/v1/health")
    except (ValueError, OSError) as e:
        check(False, "HEAD %s" % path, "the connection broke: %r" % e)
        continue
    finally:
        c.s.close()
    check(hst == gst, "HEAD %s: the GET's status (%d)" % (path, gst), hst)
    check(extra == b"", "HEAD %s: no body" % path, extra[:200])
    check(hh.get("content-length") == str(len(gbody)),
          "HEAD %s: the GET body's length (%d)" % (path, len(gbody)), hh.get("content-length"))
    g = {k: v for k, v in gh.items() if k not in VARY}
    h = {k: v for k, v in hh.items() if k not in VARY}
    check(g == h, "HEAD %s: the GET's headers" % path, (g, h))
    check(nst == 200 and nbody == b'{"ok":true}',
          "HEAD %s: the next answer on the connection is whole" % path, (nst, nbody[:200]))

# A stream's HEAD: its head, no stream, and the connection closed (it
# sent the stream and held the connection open for good).
for path in ("/v1/changes", "/ui/changes"):
    c = Conn()
    try:
        hst, hh, _ = c.ask("HEAD", path)
        c.s.settimeout(WAIT)
        rest, closed = b"", False
        while True:
            got = c.s.recv(65536)
            if not got:
                closed = True
                break
            rest += got
            if len(rest) > 4096:
                break
    except (ValueError, OSError, socket.timeout) as e:
        hst, hh, rest, closed = 0, {}, repr(e).encode(), False
    finally:
        c.s.close()
    check(hst == 200 and hh.get("content-type", "").startswith("text/event-stream"),
          "HEAD %s: the stream's status and type" % path, (hst, hh))
    check(closed and rest == b"", "HEAD %s: no stream sent, the connection closed" % path, rest[:200])

print("1..%d" % n)
sys.exit(min(failed, 100))
