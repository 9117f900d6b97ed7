#!/usr/bin/env python3
"""A mail server for the alert tests (tests/cli/alert_*.sh), on aiosmtpd.

    python3 smtp.py PORTFILE LOG [USER PASSWORD] [--fail N]

Listens on 127.0.0.1 at a port of the system's choosing, written to
PORTFILE once it listens.  Each message it accepts is appended to LOG as
one JSON line {"from", "to", "data", "user"}.  With USER and PASSWORD it
offers AUTH (over plain SMTP: the test runs on loopback) and refuses mail
from a client that did not log in with them.  With --fail N the first N
mails are refused with 451 (try again later), each logged as
{"refused": 451} when refused.
"""
import asyncio
import json
import os
import sys

from aiosmtpd.smtp import SMTP, AuthResult

args = sys.argv[1:]
fail = 0
if "--fail" in args:
    i = args.index("--fail")
    fail = int(args[i + 1])
    del args[i:i + 2]
portfile, logfile = args[0], args[1]
creds = (args[2], args[3]) if len(args) > 3 else None
tries = 0


def authenticate(server, session, envelope, mechanism, auth_data):
    login = auth_data.login.decode()
    ok = creds is not None and (login, auth_data.password.decode()) == creds
    return AuthResult(success=ok, handled=False, auth_data=login if ok else None)


class Handler:
    async def handle_MAIL(self, server, session, envelope, address, options):
        global tries
        if creds and not session.authenticated:
            return "530 5.7.0 Authentication required"
        tries += 1
        if tries <= fail:
            with open(logfile, "a", encoding="utf-8") as f:
                f.write(json.dumps({"refused": 451}) + "\n")
            return "451 4.3.0 Try again later"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        user = session.auth_data if session.authenticated else None
        with open(logfile, "a", encoding="utf-8") as f:
            f.write(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                                "data": envelope.content.decode("utf-8", "replace"),
                                "user": user}) + "\n")
        return "250 Message accepted"


async def main():
    loop = asyncio.get_running_loop()
    kw = dict(authenticator=authenticate, auth_require_tls=False) if creds else {}
    srv = await loop.create_server(lambda: SMTP(Handler(), **kw), "127.0.0.1", 0)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.sockets[0].getsockname()[1]))
    os.rename(portfile + ".tmp", portfile)
    await srv.serve_forever()


asyncio.run(main())
