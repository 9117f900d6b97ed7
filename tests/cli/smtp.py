#!/usr/bin/env python3
"""A mail server for the alert tests (tests/cli/alert_*.sh), on aiosmtpd.

    python3 smtp.py PORTFILE LOG [USER PASSWORD]

Listens on 127.0.0.1 at a port of the system's choosing, written to
PORTFILE once it listens.  Each message it accepts is appended to LOG as
one JSON line {"from", "to", "data", "user"}.  With USER and PASSWORD it
offers AUTH (over plain SMTP: the test runs on loopback) and refuses mail
from a client that did not log in with them.
"""
import asyncio
import json
import os
import sys

from aiosmtpd.smtp import SMTP, AuthResult

portfile, logfile = sys.argv[1], sys.argv[2]
creds = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else None


def authenticate(server, session, envelope, mechanism, auth_data):
    login = auth_data.login.decode()
    ok = creds is not None and (login, auth_data.password.decode()) == creds
    return AuthResult(success=ok, handled=False, auth_data=login if ok else None)


class Handler:
    async def handle_MAIL(self, server, session, envelope, address, options):
        if creds and not session.authenticated:
            return "530 5.7.0 Authentication required"
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
