# SPDX-License-Identifier: Apache-2.0
"""The HTTP server the http-client tests talk to (127.0.0.1, a free port,
printed on stdout). HTTP/1.1 with keep-alive, so connection reuse shows.
  server.py HOST [CERT KEY]   (with CERT and KEY: HTTPS)
  /echo            the request body back; X-Method, X-Target (the request
                   target as received) and X-Req-<name> for each header
  /status/N        status N, body "status N"
  /binary          the 256 bytes 0..255
  /latin1          a header whose value is the Latin-1 byte 0xE9
  /multi           two Set-Cookie headers and a folded one
  /port            the client's source port (the same port: one connection)
  /slow?ms=N       answers after N ms
  /never           never answers (the connection stays open)
  /redirect?code=C&to=URL   status C, Location URL
  /loop            redirects to itself
  /hangup          closes the connection without answering
  /garbage         answers with bytes that are not HTTP
"""
import socketserver
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        p = url.path
        if p == "/echo":
            hs = [("X-Method", self.command), ("X-Target", self.path)]
            hs += [("X-Req-" + k, v) for k, v in self.headers.items()]
            self.answer(200, body, hs)
        elif p.startswith("/status/"):
            code = int(p[len("/status/"):])
            self.answer(code, ("status %d" % code).encode())
        elif p == "/binary":
            self.answer(200, bytes(range(256)), [("Content-Type", "application/octet-stream")])
        elif p == "/latin1":
            self.send_response(200)
            self._headers_buffer.append(b"X-Latin: caf\xe9\r\n")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif p == "/multi":
            self.send_response(200)
            self.send_header("Set-Cookie", "a=1")
            self.send_header("Set-Cookie", "b=2")
            self._headers_buffer.append(b"X-Folded: one\r\n  two\r\n")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif p == "/port":
            self.answer(200, str(self.client_address[1]).encode())
        elif p == "/slow":
            time.sleep(int(q.get("ms", ["1000"])[0]) / 1000.0)
            self.answer(200, b"slow")
        elif p == "/never":
            time.sleep(3600)
            self.close_connection = True
        elif p == "/redirect":
            self.answer(int(q.get("code", ["302"])[0]), b"moved",
                        [("Location", q.get("to", ["/echo"])[0])])
        elif p == "/loop":
            self.answer(302, b"again", [("Location", "/loop")])
        elif p == "/hangup":
            self.close_connection = True
        elif p == "/garbage":
            self.wfile.write(b"\x00\x01 this is not HTTP\r\n\r\n")
            self.close_connection = True
        else:
            self.answer(404, b"no such path")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True


def main():
    srv = Server((sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1", 0), Handler)
    if len(sys.argv) > 3:  # HOST CERT KEY: HTTPS with this certificate
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[2], sys.argv[3])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
