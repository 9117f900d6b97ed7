#!/usr/bin/env python3
"""A webhook receiver for the alert tests (tests/cli/alert_*.sh).

    python3 webhook.py PORTFILE LOG [--fail N] [--hang N]

Listens on 127.0.0.1 at a port of the system's choosing, written to
PORTFILE once it listens.  Every POST is appended to LOG as one JSON line
{"n", "path", "headers", "body", "status"}, the body as received.  The
first N requests are answered 500 (--fail), or left without an answer for
a minute (--hang); the others 200.  A request is logged when it arrives,
before its answer, so that a test sees the attempts that failed too.
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

portfile, logfile = sys.argv[1], sys.argv[2]
opts = dict(zip(sys.argv[3::2], sys.argv[4::2]))
fail = int(opts.get("--fail", 0))
hang = int(opts.get("--hang", 0))
lock = threading.Lock()
count = 0


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        size = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(size).decode("utf-8", "replace")
        with lock:
            count += 1
            n = count
            status = 500 if n <= fail else 200
            with open(logfile, "a", encoding="utf-8") as f:
                f.write(json.dumps({"n": n, "path": self.path, "headers": dict(self.headers),
                                    "body": body, "status": status,
                                    "hang": n <= hang}) + "\n")
        if n <= hang:
            time.sleep(60)
            return
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
