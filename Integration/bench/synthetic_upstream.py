"""A synthetic upstream index of many projects, for sync benchmarks: it serves realistic PEP
691 JSON and PEP 503 HTML simple pages and Warehouse JSON API documents, computed from a seed
on each request (nothing is stored), with `_last-serial` / `X-PyPI-Last-Serial` and ETags.
`POST /_change?count=N` gives N projects a new release and a higher serial, as uploads would;
`GET /_stats` answers how many requests were answered and how many body bytes were sent.
Files are not served: it is for metadata (on-demand) syncs. `--html-only` never offers the
JSON form (as an index behind a plain web server, or PyPI's HTML listing: about 40 MB at
900,000 projects).

    python synthetic_upstream.py --projects 100000 --seed 1 --port 0 [--html-only]   # prints the URL
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import socket
import sys
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

EPOCH = datetime(2020, 1, 1, tzinfo=timezone.utc)


class Index:
    def __init__(self, projects: int, seed: int):
        self.seed = seed
        self.names = [f"synthetic-{i:06d}" for i in range(projects)]
        rng = random.Random(seed)
        self.serials = {name: rng.randint(1, 10_000_000) for name in self.names}
        self.extra_releases = {name: 0 for name in self.names}
        self.serial = max(self.serials.values())
        self.root_cache: dict[str, bytes] = {}

    def change(self, count: int) -> list[str]:
        rng = random.Random(self.serial)
        changed = rng.sample(self.names, count)
        for name in changed:
            self.serial += 1
            self.serials[name] = self.serial
            self.extra_releases[name] += 1
        self.root_cache.clear()
        return changed

    def releases(self, name: str) -> list[dict]:
        rng = random.Random(f"{self.seed}:{name}")
        count = rng.randint(1, 3) + self.extra_releases[name]
        releases = []
        for index in range(count):
            version = f"{index + 1}.{rng.randint(0, 9)}.{rng.randint(0, 20)}"
            uploaded = EPOCH + timedelta(days=index * 30 + rng.randint(0, 29), seconds=rng.randint(0, 86399))
            files = []
            module = name.replace("-", "_")
            for filename in (f"{module}-{version}-py3-none-any.whl", f"{module}-{version}.tar.gz"):
                digest = hashlib.sha256(f"{self.seed}:{filename}".encode()).hexdigest()
                files.append({
                    "filename": filename, "sha256": digest, "md5": digest[:32], "blake2b_256": digest[::-1],
                    "metadata_sha256": hashlib.sha256(f"meta:{filename}".encode()).hexdigest(),
                    "size": rng.randint(2_000, 2_000_000), "upload_time": uploaded.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    "requires_python": ">=3.8", "packagetype": "bdist_wheel" if filename.endswith(".whl") else "sdist",
                })
            releases.append({"version": version, "files": files})
        return releases

    def file_url(self, base: str, filename: str) -> str:
        digest = hashlib.sha256(filename.encode()).hexdigest()
        return f"{base}/packages/{digest[:2]}/{digest[2:4]}/{digest[4:]}/{filename}"

    def root(self, json_form: bool) -> bytes:
        key = "json" if json_form else "html"
        if key not in self.root_cache:
            if json_form:
                body = {"meta": {"api-version": "1.1", "_last-serial": self.serial},
                        "projects": [{"name": n, "_last-serial": self.serials[n]} for n in self.names]}
                self.root_cache[key] = json.dumps(body, separators=(",", ":")).encode()
            else:
                links = "".join(f'<a href="{n}/">{n}</a>\n' for n in self.names)
                self.root_cache[key] = f"<!DOCTYPE html><html><body>\n{links}</body></html>".encode()
        return self.root_cache[key]

    def project(self, name: str, base: str, json_form: bool) -> bytes:
        releases = self.releases(name)
        if json_form:
            files = [{"filename": f["filename"], "url": self.file_url(base, f["filename"]), "hashes": {"sha256": f["sha256"]},
                      "requires-python": f["requires_python"], "core-metadata": {"sha256": f["metadata_sha256"]},
                      "yanked": False, "size": f["size"], "upload-time": f["upload_time"]}
                     for r in releases for f in r["files"]]
            body = {"meta": {"api-version": "1.1", "_last-serial": self.serials[name]}, "name": name, "files": files,
                    "versions": [r["version"] for r in releases]}
            return json.dumps(body, separators=(",", ":")).encode()
        links = "".join(f'<a href="{self.file_url(base, f["filename"])}#sha256={f["sha256"]}" data-requires-python="&gt;=3.8">'
                        f'{f["filename"]}</a>\n' for r in releases for f in r["files"])
        return f"<!DOCTYPE html><html><body>\n{links}</body></html>".encode()

    def warehouse(self, name: str, base: str) -> bytes:
        releases = self.releases(name)
        def file_entry(f):
            return {"filename": f["filename"], "url": self.file_url(base, f["filename"]), "size": f["size"],
                    "digests": {"sha256": f["sha256"], "md5": f["md5"], "blake2b_256": f["blake2b_256"]}, "md5_digest": f["md5"],
                    "packagetype": f["packagetype"], "python_version": "py3" if f["packagetype"] == "bdist_wheel" else "source",
                    "requires_python": f["requires_python"], "upload_time": f["upload_time"][:19],
                    "upload_time_iso_8601": f["upload_time"], "yanked": False, "yanked_reason": None}
        latest = releases[-1]
        body = {
            "info": {"name": name, "version": latest["version"], "summary": f"The synthetic project {name}",
                     "requires_python": ">=3.8", "requires_dist": None, "yanked": False, "yanked_reason": None},
            "last_serial": self.serials[name],
            "releases": {r["version"]: [file_entry(f) for f in r["files"]] for r in releases},
            "urls": [file_entry(f) for f in latest["files"]],
            "vulnerabilities": [],
        }
        return json.dumps(body, separators=(",", ":")).encode()


def serve(index: Index, port: int, html_only: bool = False) -> ThreadingHTTPServer:
    stats = {"requests": 0, "bytes": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def setup(self):
            super().setup()
            # Headers and body go out in separate writes: without this, Nagle's algorithm and
            # delayed ACKs hold every keep-alive response for 40 ms.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def answer(self, status: int, body: bytes, content_type: str, serial: int | None = None):
            etag = '"' + hashlib.md5(body).hexdigest() + '"'
            with lock:
                stats["requests"] += 1
            if status == 200 and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            if serial is not None:
                self.send_header("X-PyPI-Last-Serial", str(serial))
            self.end_headers()
            with lock:
                stats["bytes"] += len(body)
            self.wfile.write(body)

        def do_GET(self):
            path = urlsplit(self.path).path
            base = f"http://{self.headers.get('Host')}"
            if path == "/_stats":
                body = json.dumps(stats).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            json_form = not html_only and "application/vnd.pypi.simple.v1+json" in (self.headers.get("Accept") or "")
            simple_type = "application/vnd.pypi.simple.v1+json" if json_form else "text/html"
            parts = [p for p in path.split("/") if p]
            if parts == ["simple"]:
                return self.answer(200, index.root(json_form), simple_type, index.serial)
            if len(parts) == 2 and parts[0] == "simple" and parts[1] in index.serials:
                return self.answer(200, index.project(parts[1], base, json_form), simple_type, index.serials[parts[1]])
            if len(parts) == 3 and parts[0] == "pypi" and parts[2] == "json" and parts[1] in index.serials:
                return self.answer(200, index.warehouse(parts[1], base), "application/json", index.serials[parts[1]])
            self.answer(404, b"not found\n", "text/plain")

        def do_POST(self):
            query = parse_qs(urlsplit(self.path).query)
            changed = index.change(int(query.get("count", ["1"])[0]))
            self.answer(200, json.dumps(changed).encode(), "application/json")

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.request_queue_size = 256
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--html-only", action="store_true")
    args = parser.parse_args()
    server = serve(Index(args.projects, args.seed), args.port, args.html_only)
    print(f"http://127.0.0.1:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
