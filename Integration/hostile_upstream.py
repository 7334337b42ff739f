"""An upstream index that answers whatever a test scripts, byte for byte: pages, files,
redirects, lies about lengths, bodies dripped a byte at a time. For the hostile-input suite."""
from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    drip: float | None = None          # seconds between single bytes of the body
    declared_length: int | None = None  # a Content-Length other than the body's
    times: int | None = None            # served this many times, then 404


class HostileUpstream:
    def __init__(self):
        self.answers: dict[str, Answer] = {}
        self.seen: list[str] = []
        self.lock = threading.Lock()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                upstream.answer(self, body=True)

            def do_HEAD(self):
                upstream.answer(self, body=False)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, request: BaseHTTPRequestHandler, body: bool) -> None:
        path = request.path.split("?", 1)[0]
        with self.lock:
            self.seen.append(f"{request.command} {request.path}")
            found = self.answers.get(path)
            if found is not None and found.times is not None:
                found.times -= 1
                if found.times < 0:
                    found = None
        if found is None:
            found = Answer(404, {"Content-Type": "text/plain"}, b"not found")
        try:
            request.send_response(found.status)
            for name, value in found.headers.items():
                request.send_header(name, value)
            request.send_header("Content-Length", str(found.declared_length if found.declared_length is not None else len(found.body)))
            request.end_headers()
            if not body:
                return
            if found.drip is None:
                request.wfile.write(found.body)
            else:
                for byte in found.body:
                    request.wfile.write(bytes([byte]))
                    request.wfile.flush()
                    time.sleep(found.drip)
            if found.declared_length is not None and found.declared_length != len(found.body):
                request.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            pass

    # Pages -------------------------------------------------------------------------------

    def listing(self, *names: str, serial: int | None = None) -> None:
        projects = [{"name": n} if serial is None else {"name": n, "_last-serial": serial} for n in names]
        meta = {"api-version": "1.1"} | ({"_last-serial": serial} if serial is not None else {})
        self.json_page("/simple/", {"meta": meta, "projects": projects})

    def json_page(self, path: str, document: object, **headers: str) -> None:
        self.answers[path] = Answer(200, {"Content-Type": "application/vnd.pypi.simple.v1+json", **headers},
                                    json.dumps(document).encode())

    def project(self, name: str, files: list[dict], **extra: object) -> None:
        self.json_page(f"/simple/{name}/", {"meta": {"api-version": "1.1"}, "name": name, "files": files, **extra})

    def file(self, served_as: str, data: bytes, **overrides: object) -> dict:
        """Serves `data` at /files/<served_as>; the page entry that declares it truthfully,
        with `overrides` applied (None removes a key)."""
        self.answers[f"/files/{served_as}"] = Answer(200, {"Content-Type": "application/octet-stream"}, data)
        entry: dict = {"filename": served_as, "url": f"{self.url}/files/{served_as}",
                       "hashes": {"sha256": hashlib.sha256(data).hexdigest()}, "size": len(data),
                       "upload-time": "2026-01-01T00:00:00Z"}
        for key, value in overrides.items():
            key = key.replace("_", "-")
            if value is None:
                entry.pop(key, None)
            else:
                entry[key] = value
        return entry
