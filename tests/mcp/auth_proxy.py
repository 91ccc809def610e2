"""A test-only reverse proxy that adds `Authorization: Bearer <token>` to every request.

usage: auth_proxy.py LISTEN_PORT UPSTREAM_PORT TOKEN

The MCP conformance runner cannot send request headers, and `jtp mcp serve --http` keeps
its token check on; this sits in front of it on 127.0.0.1 and forwards each request
unchanged (method, path, Host and other headers, body) plus the token, streaming the
response back (SSE included) and closing the connection at its end.
"""
import http.client
import http.server
import sys

LISTEN, UPSTREAM, TOKEN = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate", "content-length"}


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # no keep-alive: the end of a stream is the end of the body

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        upstream = http.client.HTTPConnection("127.0.0.1", UPSTREAM, timeout=60)
        upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for key, value in self.headers.items():
            if key.lower() not in HOP_BY_HOP and key.lower() != "authorization":
                upstream.putheader(key, value)
        upstream.putheader("Authorization", f"Bearer {TOKEN}")
        if body is not None:
            upstream.putheader("Content-Length", str(len(body)))
        upstream.endheaders(body)
        response = upstream.getresponse()
        self.send_response(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in HOP_BY_HOP:
                self.send_header(key, value)
        self.end_headers()
        while True:
            chunk = response.read1(65536)
            if not chunk:
                break
            self.wfile.write(chunk)
            self.wfile.flush()
        upstream.close()

    do_GET = do_POST = do_DELETE = forward

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", LISTEN), Proxy).serve_forever()
