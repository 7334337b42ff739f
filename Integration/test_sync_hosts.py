"""Upstreams made of plain HTTP hosts whose every answer the test decides. An index behind
basic auth whose pages link files on another host: the sync and the on-demand fetches of
`serve` send the credentials to the index's host only, never to the other host (as pip does),
and still fetch what needs them. A PEP 658 metadata file over the size accepted for one is
refused at once, not read into memory or asked for again. An upstream that changes in ways a
mirror cannot follow faithfully (a filename reused with other bytes, an empty listing, an
included project that is gone) gets a failure that names it, and the rest of the mirror stays right."""
from __future__ import annotations

import base64
import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from conftest import Server, binary, corpus_dir, run

USER, PASSWORD = "mirror", "s3cret"
EXPECTED = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


class Host:
    """A plain HTTP host with fixed paths; it records the Authorization header of every
    request and, with `require_auth`, answers 401 without the right one."""

    def __init__(self, require_auth: bool):
        self.paths: dict[str, tuple[str, bytes]] = {}
        self.seen: list[tuple[str, str | None]] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                authorization = self.headers.get("Authorization")
                host.seen.append((self.path, authorization))
                found = host.paths.get(self.path)
                if require_auth and authorization != EXPECTED:
                    status, content_type, body = 401, "text/plain", b"authentication required"
                elif found is None:
                    status, content_type, body = 404, "text/plain", b"not found"
                else:
                    status, (content_type, body) = 200, found
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                if status == 401:
                    self.send_header("WWW-Authenticate", 'Basic realm="index"')
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve_index(index: Host, files: Host, metadata: dict[str, bytes] | None = None) -> dict[str, Host]:
    """PEP 691 pages (which declare sizes, so on-demand syncs download nothing) with six's
    wheel on the index's own host and idna's on the other; returns where each file lives."""
    placed = {"six-1.17.0-py2.py3-none-any.whl": index, "idna-3.10-py3-none-any.whl": files}
    pages = {}
    for filename, host in placed.items():
        data = (corpus_dir() / filename).read_bytes()
        host.paths[f"/files/{filename}"] = ("application/octet-stream", data)
        project, version = filename.split("-")[:2]
        pages[project] = {"meta": {"api-version": "1.1"}, "name": project, "versions": [version], "files": [{
            "filename": filename, "url": f"{host.url}/files/{filename}", "size": len(data),
            "hashes": {"sha256": hashlib.sha256(data).hexdigest()}}]}
        if metadata and filename in metadata:
            host.paths[f"/files/{filename}.metadata"] = ("application/octet-stream", metadata[filename])
            pages[project]["files"][0]["core-metadata"] = {"sha256": hashlib.sha256(metadata[filename]).hexdigest()}
    json_type = "application/vnd.pypi.simple.v1+json"
    root = {"meta": {"api-version": "1.1"}, "projects": [{"name": p} for p in pages]}
    index.paths["/simple/"] = (json_type, json.dumps(root).encode())
    for project, page in pages.items():
        index.paths[f"/simple/{project}/"] = (json_type, json.dumps(page).encode())
    return placed


def sync(data_dir, upstream: str, *args: str, expect_failure: bool = False) -> dict:
    result = run(binary(), "sync", "--data-dir", data_dir, "--upstream", upstream, "--json", *args, check=False)
    assert (result.returncode != 0) == expect_failure, f"{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def mirrored(data_dir) -> set[str]:
    return {p["filename"] for p in json.loads(run(binary(), "content", "list", "--data-dir", data_dir, "--json").stdout)}


def set_page(index: Host, project: str, files: list[tuple[str, bytes]], host: Host | None = None) -> None:
    """Lists exactly these files (served by `host`, default the index) on the project's page."""
    host = host or index
    entries = []
    for filename, data in files:
        host.paths[f"/files/{filename}"] = ("application/octet-stream", data)
        entries.append({"filename": filename, "url": f"{host.url}/files/{filename}", "size": len(data),
                        "hashes": {"sha256": hashlib.sha256(data).hexdigest()}})
    page = {"meta": {"api-version": "1.1"}, "name": project, "versions": sorted({f.split("-")[1] for f, _ in files}), "files": entries}
    index.paths[f"/simple/{project}/"] = ("application/vnd.pypi.simple.v1+json", json.dumps(page).encode())


def set_listing(index: Host, projects: list[str | tuple[str, int]], serial: int | None = None) -> None:
    """The root listing: names, or (name, last serial) pairs with the index's `serial`."""
    entries = [{"name": p} if isinstance(p, str) else {"name": p[0], "_last-serial": p[1]} for p in projects]
    meta = {"api-version": "1.1"} | ({"_last-serial": serial} if serial is not None else {})
    index.paths["/simple/"] = ("application/vnd.pypi.simple.v1+json", json.dumps({"meta": meta, "projects": entries}).encode())


@pytest.fixture
def hosts():
    """Makes an index host (behind basic auth when asked) and a plain file host; closes both."""
    made: list[Host] = []

    def make(index_auth: bool) -> tuple[Host, Host]:
        made.extend([Host(require_auth=index_auth), Host(require_auth=False)])
        return made[-2], made[-1]
    yield make
    for host in made:
        host.close()


def mirror_url(mirror: Server, filename: str) -> str:
    """The URL the mirror's project page gives the file."""
    page = requests.get(f"{mirror.index()}{filename.split('-')[0]}/", headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    return next(f["url"] for f in page.json()["files"] if f["filename"] == filename)


def test_credentials_go_to_the_index_host_only(workdir, hosts):
    index, files = hosts(index_auth=True)
    serve_index(index, files)
    (workdir / "password").write_text(PASSWORD + "\n")
    summary = sync(workdir / "mirror", f"{index.url}/simple/", "--username", USER, "--password-file", str(workdir / "password"))
    assert summary["failures"] == [] and summary["files_added"] == 2
    assert index.seen and all(auth == EXPECTED for _, auth in index.seen)
    assert [path for path, _ in files.seen] == ["/files/idna-3.10-py3-none-any.whl"]
    assert all(auth is None for _, auth in files.seen), "the index's credentials were sent to another host"


def test_on_demand_fetches_send_credentials_to_synced_index_hosts_only(workdir, hosts):
    index, files = hosts(index_auth=True)
    mirror_dir = workdir / "mirror"
    placed = serve_index(index, files)
    (workdir / "password").write_text(PASSWORD)
    summary = sync(mirror_dir, f"{index.url}/simple/", "--policy", "on_demand", "--username", USER, "--password-file", str(workdir / "password"))
    assert summary["failures"] == [] and summary["bytes_downloaded"] == 0
    index.seen.clear()
    mirror = Server(mirror_dir, {"WHEELHOUSE_UPSTREAM_USERNAME": USER, "WHEELHOUSE_UPSTREAM_PASSWORD": PASSWORD})
    try:
        for filename in placed:
            answer = requests.get(mirror_url(mirror, filename))
            assert answer.status_code == 200, answer.text
            assert answer.content == (corpus_dir() / filename).read_bytes()
    finally:
        mirror.stop()
    assert index.seen == [("/files/six-1.17.0-py2.py3-none-any.whl", EXPECTED)]
    assert files.seen == [("/files/idna-3.10-py3-none-any.whl", None)]


def test_metadata_file_over_the_limit_is_refused_without_retries(workdir, hosts):
    index, files = hosts(index_auth=False)
    mirror_dir = workdir / "mirror"
    wheel = "six-1.17.0-py2.py3-none-any.whl"
    huge = b"Metadata-Version: 2.1\nName: six\nVersion: 1.17.0\nDescription: " + b"x" * (9 << 20) + b"\n"
    serve_index(index, files, metadata={wheel: huge})
    summary = sync(mirror_dir, f"{index.url}/simple/", "--policy", "on_demand", "--include", "six")
    assert summary["failures"] == [] and summary["bytes_downloaded"] == 0
    mirror = Server(mirror_dir)
    try:
        url = mirror_url(mirror, wheel)
        answer = requests.get(url + ".metadata")
        # The client learns which upstream failed; the log says why (upstream URLs stay private).
        assert answer.status_code == 502 and index.url in answer.text and "/files/" not in answer.text, answer.text
        # The file itself is still fetched and served.
        assert requests.get(url).content == (corpus_dir() / wheel).read_bytes()
    finally:
        mirror.stop()
    assert "longer than the 8388608 bytes accepted" in mirror.log.read_text()
    assert [path for path, _ in index.seen if path.endswith(".metadata")] == [f"/files/{wheel}.metadata"]


def test_a_mirror_never_takes_what_it_cannot_follow_faithfully(workdir, hosts):
    index, files = hosts(index_auth=False)
    mirror = workdir / "mirror"
    six, idna = "six-1.17.0-py2.py3-none-any.whl", "idna-3.10-py3-none-any.whl"
    serve_index(index, files)
    assert sync(mirror, f"{index.url}/simple/")["files_added"] == 2
    # six's wheel goes away upstream, and the mirror follows.
    set_page(index, "six", [])
    sync(mirror, f"{index.url}/simple/")
    assert mirrored(mirror) == {idna}
    # The same filename comes back with other bytes: refused by name, before any download,
    # while the rest of the sync (a new idna file) lands.
    rebuilt = bytearray((corpus_dir() / six).read_bytes())
    rebuilt[-30] ^= 0xFF
    set_page(index, "six", [(six, bytes(rebuilt))])
    sdist = "idna-3.10.tar.gz"
    set_page(index, "idna", [(idna, (corpus_dir() / idna).read_bytes()), (sdist, (corpus_dir() / sdist).read_bytes())], host=files)
    index.seen.clear()
    summary = sync(mirror, f"{index.url}/simple/", expect_failure=True)
    assert [f["subject"] for f in summary["failures"]] == [six] and "filename is never reused" in summary["failures"][0]["reason"]
    assert not any(path.endswith(six) for path, _ in index.seen)
    assert mirrored(mirror) == {idna, sdist}
    # An empty listing (a broken upstream) removes nothing and says so.
    set_listing(index, [])
    summary = sync(mirror, f"{index.url}/simple/", expect_failure=True)
    assert "lists no projects" in summary["failures"][0]["reason"] and mirrored(mirror) == {idna, sdist}
    # A named include reads its project's page, never the listing: a page that is gone (404)
    # is a failure, and the project's files stay.
    set_listing(index, ["six"])
    del index.paths["/simple/idna/"]
    summary = sync(mirror, f"{index.url}/simple/", "--include", "idna", expect_failure=True)
    assert "no page for 'idna'" in summary["failures"][0]["reason"] and mirrored(mirror) == {idna, sdist}


def test_a_project_listed_under_two_spellings_is_read_when_either_serial_rises(workdir, hosts):
    index, _ = hosts(index_auth=False)
    mirror = workdir / "mirror"
    new, old = "six-1.17.0-py2.py3-none-any.whl", "six-1.16.0-py2.py3-none-any.whl"
    set_page(index, "six", [(new, (corpus_dir() / new).read_bytes())])
    set_listing(index, [("Six", 1), ("six", 1)], serial=1)
    assert sync(mirror, f"{index.url}/simple/")["files_added"] == 1
    set_page(index, "six", [(new, (corpus_dir() / new).read_bytes()), (old, (corpus_dir() / old).read_bytes())])
    set_listing(index, [("Six", 1), ("six", 2)], serial=2)
    assert sync(mirror, f"{index.url}/simple/")["files_added"] == 1
    assert mirrored(mirror) == {new, old}


def test_on_demand_files_are_fetched_from_where_upstream_lists_them_now(workdir, hosts):
    index, old_host = hosts(index_auth=False)
    _, new_host = hosts(index_auth=False)
    mirror_dir = workdir / "mirror"
    idna = "idna-3.10-py3-none-any.whl"
    set_page(index, "idna", [(idna, (corpus_dir() / idna).read_bytes())], host=old_host)
    set_listing(index, ["idna"])
    assert sync(mirror_dir, f"{index.url}/simple/", "--policy", "on_demand")["bytes_downloaded"] == 0
    # The files move to another host before anyone asked for them.
    set_page(index, "idna", [(idna, (corpus_dir() / idna).read_bytes())], host=new_host)
    old_host.paths.clear()
    assert sync(mirror_dir, f"{index.url}/simple/", "--policy", "on_demand")["failures"] == []
    mirror = Server(mirror_dir)
    try:
        answer = requests.get(mirror_url(mirror, idna))
        assert answer.status_code == 200 and answer.content == (corpus_dir() / idna).read_bytes(), answer.text
    finally:
        mirror.stop()
    assert [path for path, _ in new_host.seen] == [f"/files/{idna}"]


def test_an_upstream_restored_from_a_backup_is_caught_up_with_full(workdir, hosts):
    index, _ = hosts(index_auth=False)
    mirror = workdir / "mirror"
    new, old = "six-1.17.0-py2.py3-none-any.whl", "six-1.16.0-py2.py3-none-any.whl"
    set_page(index, "six", [(new, (corpus_dir() / new).read_bytes())])
    set_listing(index, [("six", 5)], serial=5)
    sync(mirror, f"{index.url}/simple/")
    # Restored from a backup: its serials went back, and its content changed meanwhile.
    set_page(index, "six", [(new, (corpus_dir() / new).read_bytes()), (old, (corpus_dir() / old).read_bytes())])
    set_listing(index, [("six", 3)], serial=3)
    stale = run(binary(), "sync", "--data-dir", mirror, "--upstream", f"{index.url}/simple/", "--max-retries", "0", check=False)
    assert stale.returncode != 0 and "sync once with --full" in stale.stderr
    assert sync(mirror, f"{index.url}/simple/", "--full")["files_added"] == 1
    assert mirrored(mirror) == {new, old}
    after = sync(mirror, f"{index.url}/simple/")
    assert after["failures"] == [] and after["files_added"] == 0, "the state --full recorded serves the next sync"
