"""Loopback servers and clients for tests/reliability/run: a webhook
receiver that can fail, hang or answer 500; a proxy in front of the fake
registry that serves one trial's record as raw bytes (the fake re-serializes
what it serves, so it cannot send duplicate keys or JSON it cannot parse);
a TLS front with a self-signed certificate; and a raw-socket client for the
status endpoint load test."""
import http.client
import http.server
import json
import os
import re
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass		# a client that hung up (ctmirror timing out): fine


class _Quiet(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body=b"", ctype="text/plain"):
        try:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True	# the client gave up: fine


def _serve(handler, port=0, owner=None):
    srv = _Server(("127.0.0.1", port), handler)
    srv.owner = owner
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


class Webhook:
    """A receiver of ctmirror's webhook POSTs.  mode: "ok" (200), "500",
    "hang" (read the POST, never answer until released), "down" (nothing
    listens: connection refused), "big" (200 with a body of big_body
    bytes).  `acked` lists the flag_id of every flag in every POST answered
    200 (a digest lists its flags under "flags")."""

    def __init__(self):
        self.mode = "ok"
        self.acked = []
        self.posts = 0
        self.big_body = 0
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.srv = _serve(self._Handler, owner=self)
        self.port = self.srv.server_address[1]

    def url(self, secret=""):
        return f"http://127.0.0.1:{self.port}/hook{secret}"

    def set(self, mode):
        if mode == "down" and self.srv is not None:
            self.srv.shutdown()
            self.srv.server_close()
            self.srv = None
        elif mode != "down" and self.srv is None:
            self.srv = _serve(self._Handler, self.port, self)
        if mode != "hang":
            self.release.set()
        else:
            self.release.clear()
        self.mode = mode

    def stop(self):
        self.release.set()
        if self.srv is not None:
            self.srv.shutdown()
            self.srv.server_close()
            self.srv = None

    class _Handler(_Quiet):
        def do_POST(self):
            hook = self.server.owner
            body = self.rfile.read(int(self.headers.get("Content-Length",
                                                        0)))
            with hook.lock:
                hook.posts += 1
                mode = hook.mode
            if mode == "hang":
                hook.release.wait(120)
                self.close_connection = True
                return
            if mode == "500":
                self.reply(500, b"receiver broken")
                return
            doc = json.loads(body)
            flags = [f.get("flag_id") for f in doc.get("flags", [doc])]
            with hook.lock:
                hook.acked.extend(flags)
            self.reply(200, b"x" * hook.big_body if mode == "big" else b"ok")


class RawProxy:
    """Forwards to the fake registry; while `bad` is (nct_id, bytes), the
    full record of nct_id is those bytes exactly: spliced into batch
    answers, served alone for GET /studies/{nct_id}."""

    def __init__(self, upstream):
        u = urllib.parse.urlsplit(upstream)
        self.host, self.port_up, self.base = u.hostname, u.port, u.path
        self.bad = None
        self.srv = _serve(self._Handler, owner=self)
        self.url = (f"http://127.0.0.1:{self.srv.server_address[1]}"
                    f"{self.base}")

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()

    def forward(self, target):
        c = http.client.HTTPConnection(self.host, self.port_up, timeout=30)
        try:
            c.request("GET", target)
            r = c.getresponse()
            return r.status, r.getheader("Content-Type", "text/plain"), \
                r.read()
        finally:
            c.close()

    class _Handler(_Quiet):
        def do_GET(self):
            px = self.server.owner
            bad = px.bad
            u = urllib.parse.urlsplit(self.path)
            q = urllib.parse.parse_qs(u.query)
            if bad and u.path == f"{px.base}/studies/{bad[0]}":
                self.reply(200, bad[1], "application/json")
                return
            code, ctype, body = px.forward(self.path)
            ids = q.get("filter.ids", [""])[0]
            if (bad and code == 200 and "fields" not in q
                    and bad[0] in ids):
                doc = json.loads(body)
                for i, st in enumerate(doc.get("studies", [])):
                    im = st.get("protocolSection", {}).get(
                        "identificationModule", {})
                    if im.get("nctId") == bad[0]:
                        doc["studies"][i] = "@@RAW@@"
                body = json.dumps(doc).encode().replace(b'"@@RAW@@"', bad[1])
            self.reply(code, body, ctype)


class TLSFront:
    """TLS on loopback with a fresh self-signed certificate (for
    127.0.0.1), relaying bytes to a plain HTTP server."""

    def __init__(self, upstream_port, folder):
        self.cert = os.path.join(folder, "tls.pem")
        self.key = os.path.join(folder, "tls.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", self.key, "-out", self.cert],
                       check=True, capture_output=True)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(self.cert, self.key)
        self.up = upstream_port
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.handshake_failures = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(c,),
                             daemon=True).start()

    def _relay(self, c):
        try:
            t = self.ctx.wrap_socket(c, server_side=True)
        except (ssl.SSLError, OSError):
            self.handshake_failures += 1
            c.close()
            return
        u = socket.create_connection(("127.0.0.1", self.up))

        def pump(a, b):
            try:
                while True:
                    d = a.recv(65536)
                    if not d:
                        break
                    b.sendall(d)
            except OSError:
                pass
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        threading.Thread(target=pump, args=(u, t), daemon=True).start()
        pump(t, u)

    def stop(self):
        self.sock.close()


def http_get(port, path, timeout=2.0):
    """(status, body, seconds) of GET http://127.0.0.1:port/path."""
    t0 = time.monotonic()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read().decode(errors="replace"), \
            time.monotonic() - t0
    except OSError:
        return 0, "", time.monotonic() - t0
    finally:
        c.close()


def _complete(got):
    """Whether `got` holds a whole response (headers and Content-Length)."""
    end = got.find(b"\r\n\r\n")
    if end < 0:
        return False
    m = re.search(rb"(?im)^content-length: *(\d+)", got[:end])
    return m is not None and len(got) >= end + 4 + int(m.group(1))


def http_raw(port, data, timeout=2.0):
    """Send raw bytes, return what came back: one whole response, or what
    arrived until the server closed the connection or went quiet for
    `timeout` (b"" on a reset)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    got = b""
    try:
        s.sendall(data)
        while not _complete(got):
            if b"\r\n\r\n" in got:
                # Headers without a length: the body ends when the server
                # closes, which libevent may put off (a CONNECT refused).
                s.settimeout(0.3)
            d = s.recv(65536)
            if not d:
                break
            got += d
    except OSError:
        pass
    finally:
        s.close()
    return got
