"""A small HTTP proxy in front of an upstream index that misbehaves on purpose, for the sync
fault scenarios: it flips a byte of chosen files, answers chosen paths with errors a few
times first (500, 429 with Retry-After), delays file downloads, or goes away entirely. It
passes the client's Host header on, so the upstream's absolute links point back at it. Given a
certificate and key it speaks TLS, as a TLS-terminating proxy would (`X-Forwarded-Proto`)."""
from __future__ import annotations

import http.client
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class FaultProxy:
    def __init__(self, upstream: str, tls: tuple[str, str] | None = None):
        self.upstream = urlsplit(upstream)
        self.tls = tls is not None
        self.corrupt: set[str] = set()          # filenames whose bytes get one byte flipped
        self.fail_first: dict[str, list[int]] = {}  # path suffix -> statuses to answer first
        self.file_delay = 0.0                   # seconds before each file body
        self.down = False                       # refuse everything (connection closed)
        self.stale_root: bytes | None = None    # a root listing to serve instead (a lagging cache)
        self.stale_count = 0                    # how many times to serve it
        self.requests: list[str] = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                proxy.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def handle(self, request: BaseHTTPRequestHandler):
        with self.lock:
            self.requests.append(request.path)
            if self.down:
                request.close_connection = True
                request.connection.shutdown(2)
                return
            for suffix, statuses in self.fail_first.items():
                if request.path.endswith(suffix) and statuses:
                    status = statuses.pop(0)
                    request.send_response(status)
                    if status == 429:
                        request.send_header("Retry-After", "1")
                    request.send_header("Content-Length", "0")
                    request.end_headers()
                    return
            if self.stale_root is not None and self.stale_count > 0 and request.path.endswith("/simple/"):
                self.stale_count -= 1
                serial = str(json.loads(self.stale_root)["meta"]["_last-serial"])
                request.send_response(200)
                request.send_header("Content-Type", "application/vnd.pypi.simple.v1+json")
                request.send_header("X-PyPI-Last-Serial", serial)
                request.send_header("Content-Length", str(len(self.stale_root)))
                request.end_headers()
                request.wfile.write(self.stale_root)
                return
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=30)
        headers = {name: value for name, value in request.headers.items() if name.lower() in ("accept", "if-none-match", "host", "range", "authorization")}
        if self.tls:
            headers["X-Forwarded-Proto"] = "https"
        connection.request("GET", request.path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        filename = request.path.rsplit("/", 1)[-1]
        is_file = filename.endswith((".whl", ".tar.gz", ".zip"))
        if filename in self.corrupt and body:
            body = bytes([body[0] ^ 0x01]) + body[1:]
        if is_file and self.file_delay:
            import time
            time.sleep(self.file_delay)
        request.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() in ("content-type", "etag", "x-pypi-last-serial", "last-modified"):
                request.send_header(name, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)
        connection.close()
