"""The primary with real clients: twine uploads the corpus; pip, uv, pypi-simple and
bandersnatch read it back; a fresh build goes up and comes down; bad uploads are refused."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import socket
import sqlite3
import subprocess
import textwrap
import time
from pathlib import Path

import pytest
import requests
from packaging.version import Version

from conftest import (BIN, Server, binary, checksums, corpus_dir, post_like_twine, read_metadata, run, sha256, tool,
                      twine_upload, upload_corpus)

DEPENDENCIES_OF_REQUESTS = ["requests-2.32.3-py3-none-any.whl", "urllib3-2.2.3-py3-none-any.whl", "idna-3.10-py3-none-any.whl",
                            "certifi-2024.8.30-py3-none-any.whl", "charset_normalizer-3.4.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"]


def latest_version(server: Server) -> int:
    repositories = json.loads(server.cli("repository", "list", "--json").stdout)
    return next(r["latest_version"] for r in repositories if r["name"] == "default")


def test_corpus_is_served_whole(primary):
    assert len(primary.accepted) + len(primary.refused) == 70
    # twine refuses some corpus files client-side (Metadata 2.3 with License-Expression); they
    # went up with twine's own form fields instead, and the server took them.
    assert primary.refused, "expected twine to refuse some corpus files"
    root = requests.get(primary.index(), headers={"Accept": "application/vnd.pypi.simple.v1+json"}).json()
    assert len(root["projects"]) == 33
    summary = requests.get(f"{primary.url}/pypi/default/").json()
    assert summary == {"projects": 33, "releases": 38, "files": 70}


def test_pip_download_and_install_with_require_hashes(primary, workdir):
    sums = checksums()
    lines = []
    for filename in DEPENDENCIES_OF_REQUESTS:
        name, version = filename.split("-")[:2]
        lines.append(f"{name}=={version} --hash=sha256:{sums[filename]}")
    requirements = workdir / "requirements.txt"
    requirements.write_text("\n".join(lines) + "\n")
    common = ["--no-cache-dir", "--disable-pip-version-check", "--index-url", primary.index(), "--require-hashes", "-r", requirements]
    run(tool("pip"), "download", "--only-binary", ":all:", "-d", workdir / "downloads", *common)
    downloaded = {p.name for p in (workdir / "downloads").iterdir()}
    assert downloaded == set(DEPENDENCIES_OF_REQUESTS)
    for path in (workdir / "downloads").iterdir():
        assert sha256(path) == sums[path.name]
    run(tool("pip"), "install", "--target", workdir / "site", *common)
    assert (workdir / "site" / "requests" / "__init__.py").exists()


def test_pip_resolves_dependencies_across_the_corpus_using_pep658_metadata(primary, workdir):
    result = run(tool("pip"), "install", "--no-cache-dir", "--disable-pip-version-check", "--index-url", primary.index(),
                 "--target", workdir / "site", "pytest", "requests")
    assert "requests-2.32.3-py3-none-any.whl.metadata" in result.stdout or ".whl.metadata" in result.stdout, result.stdout
    for module in ["pytest", "pluggy", "iniconfig", "packaging", "requests", "urllib3", "idna", "certifi", "charset_normalizer"]:
        assert (workdir / "site" / module).exists() or any((workdir / "site").glob(f"{module}*")), module


def test_uv_installs(primary, workdir):
    run(tool("uv"), "pip", "install", "--no-cache", "--python", BIN / "python", "--index-url", primary.index(),
        "--target", workdir / "site", "requests", "flask==3.0.3", "--no-deps")
    assert (workdir / "site" / "flask").exists() and (workdir / "site" / "requests").exists()


def test_pypi_simple_reads_html_and_json_alike(primary):
    from pypi_simple import ACCEPT_JSON_ONLY, ACCEPT_HTML_ONLY, PyPISimple

    sums = checksums()
    with PyPISimple(endpoint=primary.index()) as client:
        html_index = client.get_index_page(accept=ACCEPT_HTML_ONLY)
        json_index = client.get_index_page(accept=ACCEPT_JSON_ONLY)
        assert sorted(html_index.projects) == sorted(json_index.projects)
        seen = set()
        for project in json_index.projects:
            html = client.get_project_page(project, accept=ACCEPT_HTML_ONLY)
            data = client.get_project_page(project, accept=ACCEPT_JSON_ONLY)
            describe = lambda page: sorted(
                (p.filename, p.digests.get("sha256"), p.requires_python, bool(p.is_yanked), bool(p.has_metadata)) for p in page.packages)
            assert describe(html) == describe(data), project
            for package in data.packages:
                assert package.digests["sha256"] == sums[package.filename]
                seen.add(package.filename)
                # PEP 658 metadata: every wheel; sdists only from Metadata-Version 2.2 on.
                path = corpus_dir() / package.filename
                served = path.name.endswith(".whl") or Version(read_metadata(path)["metadata_version"]) >= Version("2.2")
                assert package.has_metadata == served, package.filename
        assert seen == set(sums)


def test_bandersnatch_mirrors_three_projects(primary, workdir):
    config = workdir / "bandersnatch.conf"
    mirror = workdir / "mirror"
    config.write_text(textwrap.dedent(f"""\
        [mirror]
        directory = {mirror}
        master = {primary.url}/pypi/default
        allow-non-https = true
        api-method = simple
        json = true
        workers = 2
        timeout = 30
        stop-on-error = true
        [plugins]
        enabled =
            allowlist_project
        [allowlist]
        packages =
            requests
            six
            idna
        """))
    run(tool("bandersnatch"), "--config", config, "mirror")
    sums = checksums()
    files = [p for p in (mirror / "web" / "packages").rglob("*") if p.is_file()]
    expected = {name for name in sums if name.split("-")[0].lower() in {"requests", "six", "idna"}}
    assert {p.name for p in files} == expected
    for path in files:
        assert sha256(path) == sums[path.name]
    assert json.loads((mirror / "web" / "json" / "requests").read_text())["info"]["name"] == "requests"


def build_project(workdir: Path, body: str) -> Path:
    project = workdir / "project"
    (project / "src" / "wheelhouse_demo").mkdir(parents=True, exist_ok=True)
    (project / "pyproject.toml").write_text(textwrap.dedent("""\
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "wheelhouse-demo"
        version = "0.1.0"
        requires-python = ">=3.8"
        dependencies = ["six"]
        """))
    (project / "src" / "wheelhouse_demo" / "__init__.py").write_text(body)
    out = workdir / "dist"
    if out.exists():
        for path in out.iterdir():
            path.unlink()
    run(BIN / "python", "-m", "build", "--no-isolation", "--wheel", "--outdir", out, project)
    return next(out.glob("*.whl"))


def test_fresh_build_uploads_installs_and_never_changes_bytes(server, workdir):
    wheel = build_project(workdir, "VALUE = 1\n")
    twine_upload(server, wheel)
    six = corpus_dir() / "six-1.17.0-py2.py3-none-any.whl"
    twine_upload(server, six)
    version = latest_version(server)
    run(tool("pip"), "install", "--no-cache-dir", "--disable-pip-version-check", "--index-url", server.index(),
        "--target", workdir / "site", "wheelhouse-demo==0.1.0")
    assert (workdir / "site" / "wheelhouse_demo" / "__init__.py").read_text() == "VALUE = 1\n"
    # The identical file again: accepted, nothing changes.
    twine_upload(server, wheel)
    assert latest_version(server) == version
    original = sha256(wheel)
    # A rebuild with other bytes under the same name: refused, the original stays.
    rebuilt = build_project(workdir, "VALUE = 2\n")
    assert rebuilt.name == wheel.name and sha256(rebuilt) != original
    refused = twine_upload(server, rebuilt, check=False)
    assert refused.returncode != 0 and "File already exists" in refused.stdout + refused.stderr
    # Upload tools match the reason phrase's prefix to mean "already there" (twine 7 allows
    # --skip-existing only against PyPI itself, so the phrase is checked directly).
    again = post_like_twine(server, rebuilt)
    assert again.status_code == 400 and again.reason.startswith("File already exists")
    served = requests.get(f"{server.url}/pulp/content/default/{wheel.name}")
    assert served.status_code == 200 and hashlib.sha256(served.content).hexdigest() == original
    assert latest_version(server) == version


def test_bad_uploads_are_refused_and_change_nothing(server, workdir):
    good = corpus_dir() / "idna-3.10-py3-none-any.whl"
    assert post_like_twine(server, good).status_code == 200
    version = latest_version(server)
    bad_zip = workdir / "broken-1.0-py3-none-any.whl"
    bad_zip.write_bytes(good.read_bytes()[:2000])
    response = requests.post(
        server.upload_url(), auth=("admin", Server.PASSWORD),
        data={":action": "file_upload", "protocol_version": "1", "sha256_digest": sha256(bad_zip)},
        files={"content": (bad_zip.name, bad_zip.read_bytes(), "application/octet-stream")})
    assert response.status_code == 400 and "refused" in response.text
    wrong_digest = requests.post(
        server.upload_url(), auth=("admin", Server.PASSWORD),
        data={":action": "file_upload", "protocol_version": "1", "sha256_digest": "0" * 64},
        files={"content": (good.name, good.read_bytes(), "application/octet-stream")})
    assert wrong_digest.status_code == 400 and "does not match" in wrong_digest.text
    unauthenticated = requests.post(server.upload_url(), data={":action": "file_upload"},
                                    files={"content": (good.name, good.read_bytes())})
    assert unauthenticated.status_code == 401
    assert latest_version(server) == version
    assert not any((server.data_dir / "tmp").iterdir())


def test_client_hanging_up_mid_upload_and_mid_download(server):
    good = corpus_dir() / "setuptools-75.1.0-py3-none-any.whl"
    twine_upload(server, good)
    version = latest_version(server)
    # Half an upload, then the connection drops.
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        boundary = "cut-short"
        head = (f"POST /pypi/default/legacy/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Authorization: Basic {base64.b64encode(f'admin:{Server.PASSWORD}'.encode()).decode()}\r\n"
                f"Content-Length: 10000000\r\n\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"content\"; filename=\"x-1.0-py3-none-any.whl\"\r\n\r\n")
        sock.sendall(head.encode() + b"x" * 200000)
        time.sleep(0.3)
    # A download that stops after the first bytes.
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(f"GET /pulp/content/default/{good.name} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        sock.recv(1000)
    time.sleep(0.5)
    assert requests.get(f"{server.url}/livez").status_code == 200
    assert not any((server.data_dir / "tmp").iterdir())
    assert latest_version(server) == version
    # The dropped upload is counted as the client's fault, not as a server error.
    metrics = requests.get(f"{server.url}/metrics").text
    assert 'code="400"' in metrics and not re.search(r'code="5\d\d"', metrics)
    served = requests.get(f"{server.url}/pulp/content/default/{good.name}")
    assert hashlib.sha256(served.content).hexdigest() == sha256(good)


def test_sigkill_during_upload_leaves_nothing_partial(workdir):
    server = Server(workdir / "data")
    try:
        good = corpus_dir() / "six-1.16.0-py2.py3-none-any.whl"
        twine_upload(server, good)
        sock = socket.create_connection(("127.0.0.1", server.port))
        boundary = "killed"
        head = (f"POST /pypi/default/legacy/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Authorization: Basic {base64.b64encode(f'admin:{Server.PASSWORD}'.encode()).decode()}\r\n"
                f"Content-Length: 10000000\r\n\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"content\"; filename=\"y-1.0-py3-none-any.whl\"\r\n\r\n")
        sock.sendall(head.encode() + b"y" * 500000)
        tmp = str(server.data_dir / "tmp")
        deadline = time.monotonic() + 10
        while not any(target.startswith(tmp) for target in open_files(server.process.pid)):
            assert time.monotonic() < deadline, "the upload should be streaming into tmp/ when the server is killed"
            time.sleep(0.05)
        artifacts_before = sorted(p.name for p in (server.data_dir / "artifacts").rglob("*") if p.is_file())
        server.kill()
        sock.close()
    finally:
        server.stop()
    assert sorted(p.name for p in (server.data_dir / "artifacts").rglob("*") if p.is_file()) == artifacts_before
    # A crash between closing an upload and moving it into place leaves a named file behind.
    leftover = server.data_dir / "tmp" / "upload-left-by-a-crash"
    leftover.write_bytes(b"y" * 1000)
    # Short commands leave tmp/ alone (a server may be writing there); the server clears it.
    run(binary(), "content", "list", "--data-dir", server.data_dir)
    assert leftover.exists()
    database = sqlite3.connect(server.data_dir / "wheelhouse.sqlite")
    assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert database.execute("PRAGMA foreign_key_check").fetchall() == []
    database.close()
    restarted = Server(server.data_dir)
    try:
        assert not any((restarted.data_dir / "tmp").iterdir())
        page = requests.get(restarted.index() + "six/").text
        assert "six-1.16.0-py2.py3-none-any.whl" in page and "y-1.0" not in page
    finally:
        restarted.stop()


def open_files(pid: int) -> list[str]:
    targets = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            targets.append(os.readlink(fd))
        except OSError:
            pass
    return targets


def test_first_run_generates_an_admin_password_once(workdir):
    env = {k: v for k, v in os.environ.items() if k != "WHEELHOUSE_ADMIN_PASSWORD"}
    process = subprocess.Popen([str(binary()), "serve", "--data-dir", str(workdir / "data"), "--bind", "127.0.0.1:0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        lines = [process.stdout.readline() for _ in range(4)]
    finally:
        process.terminate()
        process.wait(10)
    password = next(line.split(": ", 1)[1].strip() for line in lines if "password" in line)
    assert any(line.startswith("Index:  http://127.0.0.1:") and line.rstrip().endswith("/pypi/default/simple/") for line in lines)
    assert any(line.startswith("Upload: http://127.0.0.1:") and line.rstrip().endswith("/pypi/default/legacy/") for line in lines)
    stored = sqlite3.connect(workdir / "data" / "wheelhouse.sqlite").execute(
        "SELECT password_hash FROM account WHERE username = 'admin'").fetchone()[0]
    assert password not in stored and len(stored) == 64
