#!/bin/sh
# TLS through a reverse proxy (docs/http.md, "TLS"): the shipped example
# examples/tls-proxy/nginx.conf, filled in with a certificate made here
# for 127.0.0.1, in front of `attache serve --listen unix:SOCK
# --behind-proxy`.  Over HTTPS, with the certificate checked: the health
# check, an add with its author, the event stream through the proxy;
# plain HTTP on the TLS port is refused; wrong tokens lock out the address
# nginx names (X-Real-IP), which a client cannot choose itself.
. "$(dirname "$0")/lib.sh"
need python3
need openssl
NGINX=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; }) || true
[ -n "$NGINX" ] || missing nginx "nginx-light (make deps)"

new_store
ok user add ana --role editor
ED=$(cat "$TMP/out")
S=$TMP/scripts
mkdir -p "$S" "$TMP/ngx"
chmod 755 "$TMP" # nginx's worker may run as another user
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout "$TMP/ngx/key.pem" -out "$TMP/ngx/cert.pem" >"$TMP/openssl.log" 2>&1 ||
  fail "openssl: $(cat "$TMP/openssl.log")"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

${ATT_WRAP:-} "$ATT" --store "$STORE" serve --scripts "$S" --listen "unix:$TMP/ngx/attache.sock" \
  --behind-proxy >"$TMP/d.out" 2>"$TMP/d.err" &
DPID=$!
wait_for "$TMP/d.err" "listening on unix" "the daemon did not start"
chmod 666 "$TMP/ngx/attache.sock"
sed -e "s|@PREFIX@|$TMP/ngx|g" -e "s|@PORT@|127.0.0.1:$PORT|g" -e "s|@CERT@|$TMP/ngx/cert.pem|g" \
  -e "s|@KEY@|$TMP/ngx/key.pem|g" -e "s|@SOCKET@|$TMP/ngx/attache.sock|g" \
  "$SRC/examples/tls-proxy/nginx.conf" >"$TMP/ngx/nginx.conf"
"$NGINX" -p "$TMP/ngx" -c "$TMP/ngx/nginx.conf" -g "daemon off;" >"$TMP/ngx/stderr" 2>&1 &
NPID=$!
echo "$NPID" >"$TMP/nginx.pid"
trap 'kill -KILL "$NPID" "$DPID" 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM

python3 - "$PORT" "$TMP/ngx/cert.pem" "$ED" "$ATT" "$STORE" "$WAIT_S" <<'EOF' >"$TMP/check.out" 2>&1 ||
import http.client, json, socket, ssl, subprocess, sys, time
port, cert, tok, att, store, wait = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], float(sys.argv[6])
ctx = ssl.create_default_context(cafile=cert)

def req(method, path, token=None, body=None, headers=None):
    c = http.client.HTTPSConnection("127.0.0.1", port, timeout=wait, context=ctx)
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data

deadline = time.monotonic() + wait
while True:
    try:
        st, body = req("GET", "/v1/health")
        break
    except OSError:
        assert time.monotonic() < deadline, "nginx did not start"
        time.sleep(0.05)
assert st == 200 and json.loads(body) == {"ok": True}, (st, body)
print("ok - GET /v1/health over HTTPS, the certificate checked")
# an unchecked certificate is refused by a careful client
try:
    c = http.client.HTTPSConnection("127.0.0.1", port, timeout=wait, context=ssl.create_default_context())
    c.request("GET", "/v1/health")
    c.getresponse()
    sys.exit("a client without the CA accepted the certificate")
except ssl.SSLError:
    print("ok - a client that does not trust the certificate refuses it")
st, body = req("POST", "/v1/events", tok, json.dumps({"title": "Over TLS", "when": "2024-09"}))
assert st == 201, (st, body)
ev = json.loads(body)
log = subprocess.run([att, "--store", store, "log", str(ev["id"]), "--json"], capture_output=True, text=True).stdout
assert json.loads(log.splitlines()[-1])["author"] == "ana", log
print("ok - an add over HTTPS, recorded as the token's user")
# the event stream through the proxy
raw = socket.create_connection(("127.0.0.1", port), timeout=wait)
s = ctx.wrap_socket(raw, server_hostname="127.0.0.1")
s.sendall(b"GET /v1/changes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + tok.encode() + b"\r\n\r\n")
buf = b""
while b"retry:" not in buf:
    buf += s.recv(4096)
subprocess.run([att, "--store", store, "add", "--title", "Seen through the proxy", "--when", "2024-10"],
               capture_output=True, check=True)
want = b'"op":"add","id":%d' % (ev["id"] + 1)
deadline = time.monotonic() + wait
while want not in buf and time.monotonic() < deadline:
    buf += s.recv(4096)
assert want in buf, buf
s.close()
print("ok - the event stream goes through the proxy as it is written")
# plain HTTP on the TLS port
p = socket.create_connection(("127.0.0.1", port), timeout=wait)
p.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
got = p.recv(4096)
p.close()
assert b" 400 " in got and b"plain HTTP" in got, got
print("ok - plain HTTP on the TLS port is refused")
# wrong tokens lock out the address nginx names, whatever the client claims
for i in range(10):
    req("GET", "/v1/events", "att_" + "0" * 64, headers={"X-Real-IP": "10.9.9.%d" % i})
st, body = req("GET", "/v1/events", tok, headers={"X-Real-IP": "10.1.1.1"})
assert st == 401, (st, body)
print("ok - 10 wrong tokens lock out the client's own address (X-Real-IP set by nginx)")
EOF
{
  cat "$TMP/check.out" >&2
  fail "the checks through the proxy (above); nginx: $(cat "$TMP/ngx/stderr" "$TMP/ngx/error.log" 2>/dev/null | tail -5)"
}
cat "$TMP/check.out"
NCHECKS=$((NCHECKS + $(grep -c '^ok' "$TMP/check.out")))
kill -TERM "$NPID" 2>/dev/null
kill -TERM "$DPID"
wait_exit "$DPID" "the daemon, after SIGTERM,"
wait "$DPID" || fail "the daemon exited $?"
done_ok
