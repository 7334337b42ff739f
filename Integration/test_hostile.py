"""The hostile-input suite: archives (uploaded, and brought by a sync), upload forms, requests,
and an upstream that sends whatever it likes. For every case the property is the same: a clear
error (4xx for a client, a failure naming the file or project in a sync's summary), the
process still alive, and nothing stored changed."""
from __future__ import annotations

import hashlib
import json
import socket
import time
from pathlib import Path

import pytest
import requests

import hostile_archives
from conftest import Server, binary, corpus_dir, run
from hostile_upstream import Answer, HostileUpstream

GOOD_WHEEL = "six-1.16.0-py2.py3-none-any.whl"


# ---------------------------------------------------------------------------------------------
# The server under attack, and what "nothing stored changed" means for it.

@pytest.fixture(scope="module")
def target(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("hostile") / "data")
    server.cli("upload", str(corpus_dir() / GOOD_WHEEL))
    yield server
    server.stop()


def stored(server: Server) -> tuple[str, str]:
    """The store's visible state: its serial and every package it holds."""
    serial = requests.get(server.index(), timeout=10).headers["X-PyPI-Last-Serial"]
    return serial, server.cli("content", "list", "--json").stdout


def assert_unharmed(server: Server, before: tuple[str, str]) -> None:
    assert requests.get(f"{server.url}/livez", timeout=10).status_code == 200, "the server died"
    assert stored(server) == before, "something stored changed"
    assert not [p for p in (server.data_dir / "tmp").iterdir()], "a temporary file was left behind"


def upload(server: Server, filename: str, data: bytes, **fields: str) -> requests.Response:
    form = {":action": "file_upload", "protocol_version": "1", "sha256_digest": hashlib.sha256(data).hexdigest(), **fields}
    return requests.post(server.upload_url(), auth=("admin", Server.PASSWORD), data=form,
                         files={"content": (filename, data, "application/octet-stream")}, timeout=120)


# ---------------------------------------------------------------------------------------------
# Archives, uploaded.

ARCHIVES = hostile_archives.cases()


@pytest.mark.parametrize("case", sorted(ARCHIVES))
def test_hostile_archive_upload_is_refused(target, case):
    template, build = ARCHIVES[case]
    before = stored(target)
    response = upload(target, template.format(n="hostile", v="1.0"), build("hostile", "1.0"))
    assert 400 <= response.status_code < 500, f"{response.status_code} {response.text}"
    assert response.text.strip() and "Internal error" not in response.text
    assert_unharmed(target, before)


# ---------------------------------------------------------------------------------------------
# Upload forms.

def raw_post(server: Server, body: bytes, content_type: str, extra_headers: dict[str, str] | None = None) -> requests.Response:
    headers = {"Content-Type": content_type, **(extra_headers or {})}
    return requests.post(server.upload_url(), auth=("admin", Server.PASSWORD), data=body, headers=headers, timeout=60)


def part(name: str, value: bytes, filename: str | None = None, boundary: str = "B") -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
    return f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n"


def form(*parts: bytes, boundary: str = "B", close: bool = True) -> bytes:
    return b"".join(parts) + (f"--{boundary}--\r\n".encode() if close else b"")


WHEEL = hostile_archives.wheel("formy", "1.0")
DIGEST = hashlib.sha256(WHEEL).hexdigest().encode()
ACTION = part(":action", b"file_upload") + part("protocol_version", b"1")
FORMS = {
    "no-content-part": (form(ACTION, part("sha256_digest", DIGEST)), "multipart/form-data; boundary=B"),
    "two-content-parts": (form(ACTION, part("sha256_digest", DIGEST), part("content", WHEEL, "formy-1.0-py3-none-any.whl"),
                               part("content", WHEEL, "formy-1.0-py3-none-any.whl")), "multipart/form-data; boundary=B"),
    "filename-with-path": (form(ACTION, part("sha256_digest", DIGEST), part("content", WHEEL, "../../formy-1.0-py3-none-any.whl")),
                           "multipart/form-data; boundary=B"),
    "filename-with-nul": (form(ACTION, part("sha256_digest", DIGEST), part("content", WHEEL, "formy-1.0-py3-none-any.whl\0.exe")),
                          "multipart/form-data; boundary=B"),
    "filename-not-a-distribution": (form(ACTION, part("sha256_digest", DIGEST), part("content", WHEEL, "formy.exe")),
                                    "multipart/form-data; boundary=B"),
    "filename-10k-characters": (form(ACTION, part("sha256_digest", DIGEST), part("content", WHEEL, "f" * 10_000 + "-1.0.tar.gz")),
                                "multipart/form-data; boundary=B"),
    "content-without-filename": (form(ACTION, part("sha256_digest", DIGEST), part("content", WHEEL)), "multipart/form-data; boundary=B"),
    "no-boundary": (form(ACTION), "multipart/form-data"),
    "boundary-over-70-bytes": (form(ACTION, boundary="x" * 80), "multipart/form-data; boundary=" + "x" * 80),
    "other-boundary-in-body": (form(ACTION, part("content", WHEEL, "formy-1.0-py3-none-any.whl", boundary="C"), boundary="C"),
                               "multipart/form-data; boundary=B"),
    "not-multipart": (b'{"content": "x"}', "application/json"),
    "never-closed": (form(ACTION, part("sha256_digest", DIGEST), part("content", WHEEL, "formy-1.0-py3-none-any.whl"), close=False),
                     "multipart/form-data; boundary=B"),
    "remove-action": (form(part(":action", b"remove_pkg"), part("content", WHEEL, "formy-1.0-py3-none-any.whl")),
                      "multipart/form-data; boundary=B"),
    "protocol-version-2": (form(part(":action", b"file_upload"), part("protocol_version", b"2"), part("sha256_digest", DIGEST),
                                part("content", WHEEL, "formy-1.0-py3-none-any.whl")), "multipart/form-data; boundary=B"),
    "wrong-digest": (form(ACTION, part("sha256_digest", b"0" * 64), part("content", WHEEL, "formy-1.0-py3-none-any.whl")),
                     "multipart/form-data; boundary=B"),
    "no-digest": (form(ACTION, part("content", WHEEL, "formy-1.0-py3-none-any.whl")), "multipart/form-data; boundary=B"),
    "name-disagrees": (form(ACTION, part("name", b"other"), part("sha256_digest", DIGEST), part("content", WHEEL, "formy-1.0-py3-none-any.whl")),
                       "multipart/form-data; boundary=B"),
    "field-over-8-mib": (form(ACTION, part("description", b"x" * (9 << 20)), part("sha256_digest", DIGEST),
                              part("content", WHEEL, "formy-1.0-py3-none-any.whl")), "multipart/form-data; boundary=B"),
    "3000-parts": (form(ACTION, *[part(f"f{i}", b"x") for i in range(3000)], part("sha256_digest", DIGEST),
                        part("content", WHEEL, "formy-1.0-py3-none-any.whl")), "multipart/form-data; boundary=B"),
    "part-without-disposition": (b"--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--\r\n", "multipart/form-data; boundary=B"),
    "part-headers-over-16-kib": (b"--B\r\nContent-Disposition: form-data; name=\"x\"\r\nX-Pad: " + b"p" * 20_000 + b"\r\n\r\nx\r\n--B--\r\n",
                                 "multipart/form-data; boundary=B"),
    "boundary-without-line-break": (b"--BXXXX", "multipart/form-data; boundary=B"),
}


@pytest.mark.parametrize("case", sorted(FORMS))
def test_hostile_upload_form_is_refused(target, case):
    body, content_type = FORMS[case]
    before = stored(target)
    response = raw_post(target, body, content_type)
    assert 400 <= response.status_code < 500, f"{response.status_code} {response.text}"
    assert response.text.strip() and "Internal error" not in response.text
    assert_unharmed(target, before)


# ---------------------------------------------------------------------------------------------
# Requests: paths, headers, ranges, methods, and bytes that are not HTTP at all.

DIGEST_PATH = "/packages/ff/ff/" + "f" * 60
REQUESTS = {
    "content-traversal-encoded": ("GET", "/pulp/content/default/..%2F..%2Fwheelhouse.sqlite", {}),
    "content-traversal-double-encoded": ("GET", "/pulp/content/default/..%252F..%252Fwheelhouse.sqlite", {}),
    "packages-traversal": ("GET", "/packages/../../wheelhouse.sqlite/x/y", {}),
    "packages-digest-traversal": ("GET", "/packages/..%2F/..%2F/" + "a" * 60 + "/six-1.16.0-py2.py3-none-any.whl", {}),
    "packages-digest-not-hex": ("GET", "/packages/zz/zz/" + "z" * 60 + "/six-1.16.0-py2.py3-none-any.whl", {}),
    "packages-unknown": ("GET", DIGEST_PATH + "/six-1.16.0-py2.py3-none-any.whl", {}),
    "packages-metadata-traversal": ("GET", DIGEST_PATH + "/..%2F..%2Fwheelhouse.sqlite.metadata", {}),
    "base-path-traversal": ("GET", "/pypi/..%2F..%2F/simple/", {}),
    "project-nul": ("GET", "/pypi/default/simple/six%00/", {}),
    "project-percent-garbage": ("GET", "/pypi/default/simple/%ff%fe/", {}),
    "json-api-huge-version": ("GET", "/pypi/default/pypi/six/" + "9" * 5000 + "/json", {}),
    "changes-negative": ("GET", "/pypi/default/changes?since=-5", {}),
    "changes-not-a-number": ("GET", "/pypi/default/changes?since=" + "9" * 40, {}),
    "unknown-distribution": ("GET", "/pypi/" + "x" * 3000 + "/simple/", {}),
    "accept-nothing-served": ("GET", "/pypi/default/simple/", {"Accept": "image/png"}),
    "accept-bomb": ("GET", "/pypi/default/simple/", {"Accept": ", ".join(f"type/t{i};q=0.{i % 10}" for i in range(2000))}),
    "range-beyond-size": ("GET", "/pulp/content/default/six-1.16.0-py2.py3-none-any.whl", {"Range": "bytes=100000-200000"}),
    "upload-without-auth": ("POST", "/pypi/default/legacy/", {}),
    "upload-bad-base64": ("POST", "/pypi/default/legacy/", {"Authorization": "Basic !!!!"}),
    "upload-bad-scheme": ("POST", "/pypi/default/legacy/", {"Authorization": "Bearer x"}),
    "upload-to-unknown-distribution": ("POST", "/pypi/nowhere/legacy/", {}),
    "delete-a-file": ("DELETE", "/pulp/content/default/six-1.16.0-py2.py3-none-any.whl", {}),
    "put-a-page": ("PUT", "/pypi/default/simple/six/", {}),
}


def test_a_range_that_does_not_parse_is_ignored(target):
    """RFC 9110: a Range header that cannot be read is ignored, and the whole file is sent."""
    before = stored(target)
    response = requests.get(target.url + "/pulp/content/default/" + GOOD_WHEEL, headers={"Range": "bytes=99999999999999999999-"}, timeout=30)
    assert response.status_code == 200 and response.content == (corpus_dir() / GOOD_WHEEL).read_bytes()
    assert_unharmed(target, before)


@pytest.mark.parametrize("case", sorted(REQUESTS))
def test_hostile_request_is_refused(target, case):
    method, path, headers = REQUESTS[case]
    before = stored(target)
    response = requests.request(method, target.url + path, headers=headers, timeout=30, allow_redirects=False)
    assert 400 <= response.status_code < 500 or response.status_code in (301, 308), f"{response.status_code} {response.text}"
    assert "Internal error" not in response.text and "wheelhouse.sqlite" not in response.text.split("'")[0]
    assert not response.content.startswith(b"SQLite format"), "the database was served"
    assert_unharmed(target, before)


RAW = {
    "not-http": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\0" * 200,
    "bad-version": b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    "header-over-80-kib": b"GET /livez HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"p" * 90_000 + b"\r\n\r\n",
    "5000-headers": b"GET /livez HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(5000)) + b"\r\n",
    "smuggling-both-lengths": (b"POST /pypi/default/legacy/ HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                               b"0\r\n\r\nGET /livez HTTP/1.1\r\n\r\n"),
    "bad-chunk-size": b"POST /pypi/default/legacy/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nx\r\n0\r\n\r\n",
    "host-with-markup": b"GET /pypi/default/simple/six/ HTTP/1.1\r\nHost: \"><script>x</script>\r\n\r\n",
    "nul-in-path": b"GET /pypi/default/\0/simple/ HTTP/1.1\r\nHost: x\r\n\r\n",
    "lf-only-lines": b"GET /pypi/default/simple/ HTTP/1.1\nHost: x\n\n",
    "absolute-form-other-host": b"GET http://evil.example/pypi/default/simple/ HTTP/1.1\r\nHost: x\r\n\r\n",
}


def raw_exchange(server: Server, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        try:
            connection.sendall(data)
            connection.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        answer = b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except OSError:
            pass
        return answer


@pytest.mark.parametrize("case", sorted(RAW))
def test_bytes_that_are_not_a_good_request(target, case):
    before = stored(target)
    answer = raw_exchange(target, RAW[case])
    status_line = answer.split(b"\r\n", 1)[0]
    if answer:
        # Answered: with a client error, or (for what is valid after all) a page that does
        # not echo markup from the request.
        assert status_line.startswith(b"HTTP/1.1 4") or status_line.startswith(b"HTTP/1.1 200"), status_line
        assert b"<script>" not in answer
    assert_unharmed(target, before)


# ---------------------------------------------------------------------------------------------
# A hostile upstream: the capsule's sync against it.

@pytest.fixture
def capsule(tmp_path):
    """A mirror that already holds one good project from the hostile upstream."""
    upstream = HostileUpstream()
    good = (corpus_dir() / GOOD_WHEEL).read_bytes()
    upstream.project("six", [upstream.file(GOOD_WHEEL, good)])
    mirror = tmp_path / "mirror"
    first = sync(mirror, upstream, "six")
    assert first["failures"] == [] and first["files_added"] == 1
    yield upstream, mirror
    upstream.close()


def sync(mirror: Path, upstream: HostileUpstream, *includes: str, options: tuple[str, ...] = (), timeout: float = 120) -> dict:
    args = [a for name in includes for a in ("--include", name)]
    started = time.monotonic()
    result = run(binary(), "sync", "--data-dir", mirror, "--upstream", upstream.url + "/simple/", "--json", "--max-retries", "1",
                 "--timeout", "2", *args, *options, check=False, timeout=timeout)
    assert result.returncode in (0, 1), f"the sync died: exit {result.returncode}\n{result.stderr[-3000:]}"
    assert time.monotonic() - started < timeout
    return json.loads(result.stdout.strip().splitlines()[-1])


def mirrored(mirror: Path) -> str:
    return run(binary(), "content", "list", "--data-dir", mirror, "--json").stdout


@pytest.mark.parametrize("case", hostile_archives.SYNC_REFUSED)
def test_hostile_archive_from_upstream_is_a_failure_that_stores_nothing(capsule, case):
    upstream, mirror = capsule
    template, build = ARCHIVES[case]
    filename = template.format(n="hostile", v="1.0")
    upstream.project("hostile", [upstream.file(filename, build("hostile", "1.0"))])
    before = mirrored(mirror)
    summary = sync(mirror, upstream, "six", "hostile")
    assert [f["subject"] for f in summary["failures"]] == [filename], summary["failures"]
    assert summary["failures"][0]["code"] == "refused" and summary["files_added"] == 0
    assert mirrored(mirror) == before


FILE = "hostile-1.0-py3-none-any.whl"


def page_with(upstream: HostileUpstream, **overrides) -> None:
    upstream.project("hostile", [upstream.file(FILE, hostile_archives.wheel("hostile", "1.0"), **overrides)])


def scripted(upstream: HostileUpstream, path: str, answer: Answer) -> None:
    page_with(upstream)
    upstream.answers[path] = answer


BOMB_DEPTH = 200_000
UPSTREAM = {
    # Digests and sizes.
    "sha256-not-hex": (lambda u: page_with(u, hashes={"sha256": "../../../../etc/passwd"}), FILE, "bad-response"),
    "sha256-too-short": (lambda u: page_with(u, hashes={"sha256": "abc"}), FILE, "bad-response"),
    "sha256-missing": (lambda u: page_with(u, hashes={"md5": "0" * 32}), FILE, "bad-response"),
    "sha256-wrong": (lambda u: page_with(u, hashes={"sha256": "0" * 64}), FILE, "digest-mismatch"),
    "size-negative": (lambda u: page_with(u, size=-1), FILE, "bad-response"),
    "size-too-small": (lambda u: page_with(u, size=10), FILE, "digest-mismatch"),
    "size-too-large": (lambda u: page_with(u, size=10**12), FILE, "digest-mismatch"),
    "size-not-a-number": (lambda u: page_with(u, size="many"), "hostile", "bad-response"),
    # Times, names, links.
    "upload-time-year-10000": (lambda u: page_with(u, upload_time="9999-12-31T23:59:59-01:00"), None, None),
    "upload-time-garbage": (lambda u: page_with(u, upload_time="yesterday at noon"), None, None),
    "metadata-hash-path": (lambda u: page_with(u, core_metadata={"sha256": "../../../../wheelhouse.sqlite"}), None, None),
    "filename-path": (lambda u: page_with(u, filename="../../hostile-1.0-py3-none-any.whl"), "nothing", None),
    "filename-other-project": (lambda u: page_with(u, filename="six-9.9-py3-none-any.whl"), "nothing", None),
    "link-file-scheme": (lambda u: page_with(u, url="file:///etc/passwd"), FILE, "bad-response"),
    "link-unix-socket": (lambda u: page_with(u, url="http+unix://%2Frun%2Fdocker.sock/x.whl"), FILE, "bad-response"),
    "link-no-host": (lambda u: page_with(u, url="http:///x.whl"), FILE, None),
    "link-missing": (lambda u: page_with(u, url=u.url + "/nowhere.whl"), FILE, "bad-response"),
    # Redirects.
    "file-redirect-loop": (lambda u: scripted(u, f"/files/{FILE}", Answer(302, {"Location": f"/files/{FILE}"})), FILE, None),
    "file-redirect-to-file-scheme": (lambda u: scripted(u, f"/files/{FILE}", Answer(302, {"Location": "file:///etc/passwd"})), FILE, None),
    "page-redirect-loop": (lambda u: scripted(u, "/simple/hostile/", Answer(301, {"Location": "/simple/hostile/"})), "hostile", None),
    # Encodings and bombs.
    "page-utf16": (lambda u: scripted(u, "/simple/hostile/", Answer(200, {"Content-Type": "application/vnd.pypi.simple.v1+json"},
                                                                   json.dumps({"name": "hostile", "files": []}).encode("utf-16"))),
                   None, None),
    "page-truncated-json": (lambda u: scripted(u, "/simple/hostile/", Answer(200, {"Content-Type": "application/vnd.pypi.simple.v1+json"},
                                                                            b'{"meta": {"api-version": "1.1"}, "name": "hostile", "files": [{')),
                            "hostile", "bad-response"),
    "page-json-nesting-bomb": (lambda u: scripted(u, "/simple/hostile/", Answer(200, {"Content-Type": "application/vnd.pypi.simple.v1+json"},
                                                                               b'{"files":' + b"[" * BOMB_DEPTH + b"]" * BOMB_DEPTH + b"}")),
                               "hostile", "bad-response"),
    "page-over-64-mib": (lambda u: scripted(u, "/simple/hostile/", Answer(200, {"Content-Type": "text/html"}, b"<a>" * (23 << 20))),
                         "hostile", "bad-response"),
    "page-declares-over-64-mib": (lambda u: scripted(u, "/simple/hostile/", Answer(200, {"Content-Type": "text/html"}, b"",
                                                                                    declared_length=10**12)), "hostile", "bad-response"),
    "page-html-unclosed-quotes": (lambda u: scripted(u, "/simple/hostile/", Answer(200, {"Content-Type": "text/html"},
                                                                                    b'<a href="x' + b"<a " * 100_000)), None, None),
    "yanked-a-number": (lambda u: page_with(u, yanked=5), "hostile", "bad-response"),
    "project-status-garbage": (lambda u: (page_with(u), u.answers["/simple/hostile/"].__setattr__(
        "body", u.answers["/simple/hostile/"].body.replace(b'"files"', b'"project-status": {"status": "\\u0000"}, "files"'))), None, None),
    # Drips, lies, failures.
    "page-dripped": (lambda u: scripted(u, "/simple/hostile/", Answer(200, {"Content-Type": "text/html"}, b"<a>x</a>" * 10, drip=1.0)),
                     "hostile", "unreachable"),
    "file-shorter-than-declared": (lambda u: scripted(u, f"/files/{FILE}", Answer(200, {}, b"PK\x03\x04", declared_length=5000)), FILE, None),
    "file-always-500": (lambda u: scripted(u, f"/files/{FILE}", Answer(500, {}, b"broken")), FILE, "unreachable"),
    "page-always-503": (lambda u: scripted(u, "/simple/hostile/", Answer(503, {"Retry-After": "1"}, b"")), "hostile", "unreachable"),
    "page-401": (lambda u: scripted(u, "/simple/hostile/", Answer(401, {"WWW-Authenticate": "Basic"}, b"")), "hostile", "bad-response"),
}


@pytest.mark.parametrize("case", sorted(UPSTREAM))
def test_hostile_upstream_answers(capsule, case):
    """Each hostile answer ends in a failure naming the file or project (or, for what is merely
    odd, in nothing worse than a file taken without the odd part); the good project stays."""
    upstream, mirror = capsule
    prepare, subject, code = UPSTREAM[case]
    prepare(upstream)
    before = json.loads(mirrored(mirror))
    summary = sync(mirror, upstream, "six", "hostile")
    after = {p["filename"]: p for p in json.loads(mirrored(mirror))}
    assert GOOD_WHEEL in after, "the good project was lost"
    if subject == "nothing":
        assert summary["failures"] == [] and summary["files_added"] == 0
        assert json.loads(mirrored(mirror)) == before
    elif subject is None:
        # Odd but usable: taken, or refused by name; never a crash, never a wrong byte.
        for failure in summary["failures"]:
            assert failure["subject"] in (FILE, "hostile") and failure["reason"]
        if FILE in after:
            assert after[FILE]["sha256"] == hashlib.sha256(hostile_archives.wheel("hostile", "1.0")).hexdigest()
            assert after[FILE]["upload_time"] < "9999"
            assert after[FILE]["metadata_sha256"] is None or len(after[FILE]["metadata_sha256"]) == 64
    else:
        assert [f["subject"] for f in summary["failures"]] == [subject], summary["failures"]
        if code:
            assert summary["failures"][0]["code"] == code, summary["failures"]
        assert summary["files_added"] == 0 and json.loads(mirrored(mirror)) == before


def test_serials_going_back_are_never_applied(capsule):
    upstream, mirror = capsule
    upstream.listing("six", serial=10)
    mirror_full = mirror.parent / "full"
    assert sync(mirror_full, upstream)["failures"] == []
    upstream.listing("six", serial=3)
    summary = sync(mirror_full, upstream)
    assert summary["error"]["code"] == "stale" and "--full" in summary["error"]["reason"]
    assert GOOD_WHEEL in mirrored(mirror_full)
