"""The store commands against a running server: what `wheelhouse upload`, `content`,
`repository`, `publish` and `distribution` change is what clients see, at once."""
from __future__ import annotations

import json
import os

import pytest
import requests

from conftest import Server, binary, corpus_dir, eventually, run, tool

JSON = "application/vnd.pypi.simple.v1+json"
OLD, NEW = "six-1.16.0-py2.py3-none-any.whl", "six-1.17.0-py2.py3-none-any.whl"


def project_page(server: Server, base: str, project: str = "six") -> requests.Response:
    return requests.get(f"{server.index(base)}{project}/", headers={"Accept": JSON})


def cli_json(server: Server, *args: str):
    return json.loads(server.cli(*args, "--json").stdout)


@pytest.fixture
def server(workdir):
    started = Server(workdir / "data")
    yield started
    started.stop()


def files_of(response: requests.Response) -> dict[str, dict]:
    assert response.status_code == 200, response.text
    return {f["filename"]: f for f in response.json()["files"]}


def test_commands_change_what_clients_see(server):
    corpus = corpus_dir()
    uploaded = cli_json(server, "upload", str(corpus / OLD), str(corpus / NEW))
    assert uploaded == {"repository": "default", "version": 1, "files": [OLD, NEW]}
    assert eventually(lambda: set(files_of(project_page(server, "default"))) == {OLD, NEW})
    first_serial = int(project_page(server, "default").headers["X-PyPI-Last-Serial"])

    # Yank with a reason (PEP 592): the page says so and the serial rises.
    cli_json(server, "content", "yank", "--reason", "broken on 3.13", OLD)
    assert eventually(lambda: files_of(project_page(server, "default"))[OLD]["yanked"] == "broken on 3.13")
    assert int(project_page(server, "default").headers["X-PyPI-Last-Serial"]) > first_serial
    listed = {p["filename"]: p for p in cli_json(server, "content", "list")}
    assert listed[OLD]["yanked"] and listed[OLD]["yanked_reason"] == "broken on 3.13" and not listed[NEW]["yanked"]

    # A second repository and a distribution serving its latest version.
    cli_json(server, "repository", "create", "staging")
    cli_json(server, "content", "add", "--repository", "staging", NEW)
    staging = cli_json(server, "distribution", "create", "staging", "--repository", "staging")
    assert staging["base_path"] == "staging" and staging["serves"] == {"repository": "staging", "version": None, "publication": None}
    assert eventually(lambda: set(files_of(project_page(server, "staging"))) == {NEW})

    # A publication of version 1 keeps serving it while the repository moves on.
    published = cli_json(server, "publish", "--repository", "default", "--version", "1")
    frozen = cli_json(server, "distribution", "create", "frozen", "--publication", str(published["publication"]))
    assert frozen["serves"] == {"repository": "default", "version": 1, "publication": published["publication"]}
    removed = cli_json(server, "content", "remove", NEW)
    assert removed["repository"] == "default" and removed["version"] > 1
    assert eventually(lambda: set(files_of(project_page(server, "default"))) == {OLD})
    # Removing or yanking names what the repository holds, and says so when it does not.
    absent = run(binary(), "content", "yank", NEW, "--data-dir", server.data_dir, check=False)
    assert absent.returncode != 0 and f"'{NEW}' is not in 'default'" in absent.stderr
    frozen_files = files_of(project_page(server, "frozen"))
    assert set(frozen_files) == {OLD, NEW} and frozen_files[OLD]["yanked"] is False

    # Pointing a distribution elsewhere, listing, and deleting.
    cli_json(server, "distribution", "update", "frozen", "--repository", "default", "--version", "1")
    listing = {d["name"]: d["serves"] for d in cli_json(server, "distribution", "list")}
    assert listing == {
        "default": {"repository": "default", "version": None, "publication": None},
        "staging": {"repository": "staging", "version": None, "publication": None},
        "frozen": {"repository": "default", "version": 1, "publication": None},
    }
    cli_json(server, "distribution", "delete", "frozen")
    assert eventually(lambda: project_page(server, "frozen").status_code == 404)
    versions = [v["number"] for v in cli_json(server, "repository", "show", "default")["versions"]]
    assert versions == list(range(versions[-1] + 1))


def test_command_errors_say_what_is_wrong(workdir):
    data = workdir / "data"
    # A mistyped data directory is an error, not a new empty store.
    nowhere = run(binary(), "content", "list", "--data-dir", data, check=False)
    assert nowhere.returncode != 0 and "there is no Wheelhouse store in" in nowhere.stderr and not data.exists()
    broken = workdir / "broken-1.0-py3-none-any.whl"
    broken.write_bytes(b"not a zip")
    refused = run(binary(), "upload", str(broken), "--data-dir", data, check=False)
    assert refused.returncode != 0 and "broken-1.0-py3-none-any.whl" in refused.stderr
    missing = run(binary(), "content", "list", "--repository", "nope", "--data-dir", data, check=False)
    assert missing.returncode != 0 and "no repository named 'nope'" in missing.stderr
    listed = run(binary(), "content", "list", "--json", "--data-dir", data)
    assert json.loads(listed.stdout) == []
    both = run(binary(), "distribution", "create", "pinned", "--publication", "1", "--version", "2", "--data-dir", data, check=False)
    assert both.returncode != 0 and "--version needs --repository" in both.stderr


def test_upload_token_works_while_set_and_is_revoked_when_unset(workdir):
    data = workdir / "data"
    wheel = corpus_dir() / NEW

    def upload_as_token(server: Server) -> int:
        result = run(tool("twine"), "upload", "--disable-progress-bar", "--non-interactive", "--repository-url",
                     server.upload_url(), "-u", "__token__", "-p", "tok-123", str(wheel), check=False)
        return result.returncode

    with_token = Server(data, {"WHEELHOUSE_UPLOAD_TOKEN": "tok-123"})
    try:
        assert upload_as_token(with_token) == 0
        assert NEW in files_of(project_page(with_token, "default"))
    finally:
        with_token.stop()
    without = Server(data)
    try:
        assert upload_as_token(without) != 0, "the token still works after WHEELHOUSE_UPLOAD_TOKEN was unset"
    finally:
        without.stop()
    empty = run(binary(), "serve", "--data-dir", data, "--bind", "127.0.0.1:0", check=False,
                env=dict(os.environ, WHEELHOUSE_ADMIN_PASSWORD=""))
    assert empty.returncode != 0 and "WHEELHOUSE_ADMIN_PASSWORD is set but empty" in empty.stderr


def test_public_url_sets_the_links_in_pages(workdir):
    data = workdir / "data"
    run(binary(), "upload", str(corpus_dir() / NEW), "--data-dir", data)
    server = Server(data, {"WHEELHOUSE_PUBLIC_URL": "https://pypi.example.com/"})
    try:
        url = files_of(project_page(server, "default"))[NEW]["url"]
        assert url.startswith("https://pypi.example.com/packages/") and url.endswith("/" + NEW)
        assert 'href="https://pypi.example.com/packages/' in requests.get(f"{server.index()}six/").text
    finally:
        server.stop()
    bad = run(binary(), "serve", "--data-dir", data, "--public-url", "pypi.example.com/simple", check=False, timeout=30)
    assert bad.returncode != 0 and "--public-url must be a scheme and host" in bad.stderr
