"""pulp-cli from PyPI, unchanged, drives Wheelhouse's management API (`/pulp/api/v3/`): status,
repositories, remotes with includes, content upload and listing, publications, distributions,
syncs and tasks; pip then installs from what pulp-cli set up. The client is the one
`Integration/pulp/harness setup` installs (pulp-cli 0.41.1 in its own venv: its pins conflict
with the other clients')."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import requests

from conftest import ROOT, Server, checksums, corpus_dir, run, tool

HARNESS = ROOT / "Integration" / "pulp" / "harness"


@pytest.fixture(scope="module")
def pulp_cli_binary() -> Path:
    result = subprocess.run([str(HARNESS), "setup"], capture_output=True, text=True)
    assert result.returncode == 0, f"harness setup failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return Path(os.environ.get("WHEELHOUSE_PULP_DIR", "/tmp/wheelhouse-pulp")) / "cli" / "bin" / "pulp"


class PulpCLI:
    """`pulp` pointed at one server, with its own API cache (pulp-cli caches the API document
    by URL; a stale one from another server on the same port would be used otherwise)."""

    def __init__(self, binary: Path, server: Server, cache: Path):
        self.binary, self.server, self.cache = binary, server, cache

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        env = dict(os.environ, XDG_CACHE_HOME=str(self.cache))
        result = subprocess.run(
            [str(self.binary), "--base-url", self.server.url, "--username", "admin", "--password", Server.PASSWORD, *args],
            capture_output=True, text=True, env=env, timeout=300)
        if check:
            assert result.returncode == 0, f"pulp {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
        return result

    def json(self, *args: str):
        return json.loads(self(*args).stdout)


@pytest.fixture
def pulp(pulp_cli_binary, workdir):
    server = Server(workdir / "data")
    yield PulpCLI(pulp_cli_binary, server, workdir / "cache")
    server.stop()


def test_status_reports_the_versions_the_document_advertises(pulp):
    status = pulp.json("status")
    assert {v["component"]: v["version"] for v in status["versions"]} == {"core": "3.123.1", "python": "3.36.4"}
    assert status["database_connection"] == {"connected": True}
    # A second call reads the cached document and does not refresh it.
    second = pulp("status")
    assert "Refreshing" not in second.stderr


def test_repository_create_update_list_and_errors(pulp):
    created = pulp.json("python", "repository", "create", "--name", "team", "--description", "first")
    assert created["name"] == "team" and created["description"] == "first"
    assert created["latest_version_href"] == created["pulp_href"] + "versions/0/"
    update = pulp("python", "repository", "update", "--name", "team", "--description", "second")
    assert "Started background task /pulp/api/v3/tasks/" in update.stderr and "Done." in update.stderr
    assert pulp.json("python", "repository", "show", "--name", "team")["description"] == "second"
    assert [r["name"] for r in pulp.json("python", "repository", "list")] == ["team", "default"]
    duplicate = pulp("python", "repository", "create", "--name", "team", check=False)
    assert duplicate.returncode == 1 and '{"name":["This field must be unique."]}' in duplicate.stderr
    missing = pulp("python", "repository", "show", "--name", "nothing", check=False)
    assert missing.returncode == 1 and "Could not find python repository with {'name': 'nothing'}" in missing.stderr
    pulp("python", "repository", "destroy", "--name", "team")
    assert [r["name"] for r in pulp.json("python", "repository", "list")] == ["default"]


def test_upload_publish_distribute_and_pip_installs(pulp, workdir):
    pulp("python", "repository", "create", "--name", "uploads")
    files = ["six-1.16.0-py2.py3-none-any.whl", "six-1.16.0.tar.gz"]
    for filename in files:
        content = pulp.json("python", "content", "upload", "--file", str(corpus_dir() / filename), "--relative-path", filename,
                            "--repository", "uploads")
        assert content["filename"] == filename and content["sha256"] == checksums()[filename]
        assert content["name"] == "six" and content["version"] == "1.16.0"
    listed = pulp.json("python", "repository", "content", "list", "--repository", "uploads")
    assert sorted(c["filename"] for c in listed) == sorted(files)
    wheels = pulp.json("python", "content", "list", "--packagetype", "bdist_wheel")
    assert [c["filename"] for c in wheels] == [files[0]]
    artifacts = pulp.json("artifact", "list", "--sha256", checksums()[files[0]])
    assert [a["size"] for a in artifacts] == [(corpus_dir() / files[0]).stat().st_size]
    assert pulp.json("artifact", "show", "--href", wheels[0]["artifact"])["sha256"] == checksums()[files[0]]
    # The same bytes again: the package already stored, and no new version.
    again = pulp.json("python", "content", "upload", "--file", str(corpus_dir() / files[0]), "--relative-path", files[0], "--repository", "uploads")
    assert again["pulp_href"] == wheels[0]["pulp_href"]
    assert pulp.json("python", "repository", "show", "--name", "uploads")["latest_version_href"].endswith("/versions/2/")

    publication = pulp.json("python", "publication", "create", "--repository", "uploads")
    assert publication["repository_version"].endswith("/versions/2/")
    distribution = pulp.json("python", "distribution", "create", "--name", "team", "--base-path", "team", "--publication",
                             publication["pulp_href"])
    assert distribution["base_url"] == f"{pulp.server.url}/pypi/team/"
    assert pulp.json("python", "distribution", "show", "--name", "team")["publication"] == publication["pulp_href"]

    target = workdir / "target"
    run(tool("pip"), "install", "--no-cache-dir", "--target", target, "--index-url", distribution["base_url"] + "simple/", "six==1.16.0")
    assert (target / "six.py").exists()


def test_remote_with_includes_and_sync_through_tasks(pulp, primary):
    remote = pulp.json("python", "remote", "create", "--name", "centre", "--url", f"{primary.url}/pypi/default/",
                       "--includes", '["six", "idna>=3"]', "--policy", "immediate")
    assert remote["includes"] == ["six", "idna>=3"] and remote["policy"] == "immediate"
    pulp("python", "repository", "create", "--name", "mirror", "--remote", "centre")
    sync = pulp("python", "repository", "sync", "--name", "mirror")
    assert "Done." in sync.stderr
    packages = pulp.json("python", "repository", "content", "list", "--repository", "mirror", "--limit", "100")
    expected = {n for n in checksums() if n.startswith(("six-", "idna-"))}
    assert {p["filename"] for p in packages} == expected
    assert all(p["sha256"] == checksums()[p["filename"]] for p in packages)

    tasks = pulp.json("task", "list", "--name", "pulp_python.app.tasks.sync.sync")
    assert len(tasks) == 1 and tasks[0]["state"] == "completed"
    assert tasks[0]["created_resources"] == [pulp.json("python", "repository", "show", "--name", "mirror")["latest_version_href"]]
    shown = pulp.json("task", "show", "--href", tasks[0]["pulp_href"])
    assert shown["progress_reports"][0]["code"] == "sync.fetching.project"
    # Nothing changed upstream: the next sync makes no version.
    pulp("python", "repository", "sync", "--name", "mirror")
    assert pulp.json("python", "repository", "show", "--name", "mirror")["latest_version_href"].endswith("/versions/1/")

    # A sync that fails is a failed task with the reason, and pulp-cli exits 1 saying so.
    pulp("python", "remote", "create", "--name", "nowhere", "--url", "http://127.0.0.1:9/simple/", "--includes", '["six"]')
    failed = pulp("python", "repository", "sync", "--name", "mirror", "--remote", "nowhere", check=False)
    assert failed.returncode == 1 and "failed:" in failed.stderr, failed.stderr
    assert pulp.json("task", "list", "--state", "failed")[0]["error"]["description"]


def test_upstream_pulp_create_and_replicate(pulp, primary):
    created = pulp.json("upstream-pulp", "create", "--name", "centre", "--base-url", primary.url, "--api-root", "/pulp/",
                        "--username", "admin", "--password", Server.PASSWORD, "--policy", "labeled")
    assert created["name"] == "centre" and created["policy"] == "labeled" and created["last_replication"] is None
    replicated = pulp("upstream-pulp", "replicate", "--upstream-pulp", "centre")
    assert "Started background task group /pulp/api/v3/task-groups/" in replicated.stderr
    assert pulp.json("upstream-pulp", "show", "--upstream-pulp", "centre")["last_replication"] is not None
    distribution = pulp.json("python", "distribution", "show", "--name", "default")
    assert distribution["repository_version"] and distribution["pulp_labels"] == {"UpstreamPulp": created["pulp_href"].split("/")[-2]}
    packages = pulp.json("python", "content", "list", "--repository-version", distribution["repository_version"], "--limit", "1000")
    assert {p["filename"]: p["sha256"] for p in packages} == {p.name: checksums()[p.name] for p in primary.accepted + primary.refused}
    tasks = pulp.json("task", "list", "--name", "pulpcore.app.tasks.replica.replicate_distributions")
    assert tasks[0]["state"] == "completed" and tasks[0]["task_group"]


def test_chunked_upload_and_orphan_cleanup(pulp):
    pulp("python", "repository", "create", "--name", "chunked")
    filename = "six-1.16.0.tar.gz"
    size = (corpus_dir() / filename).stat().st_size
    uploaded = pulp("python", "content", "upload", "--file", str(corpus_dir() / filename), "--relative-path", filename,
                    "--repository", "chunked", "--chunk-size", "10000")
    assert "Upload complete." in uploaded.stderr and size > 20000
    content = json.loads(uploaded.stdout)
    assert content["filename"] == filename and content["sha256"] == checksums()[filename] and content["size"] == size

    # Content from a stored artifact (pulp-cli finds it by sha256), into another repository.
    pulp("python", "repository", "create", "--name", "from-artifact")
    again = pulp.json("python", "content", "create", "--sha256", checksums()[filename], "--relative-path", filename,
                      "--repository", "from-artifact")
    assert again["pulp_href"] == content["pulp_href"]
    assert [c["filename"] for c in pulp.json("python", "repository", "content", "list", "--repository", "from-artifact")] == [filename]

    # Content in no repository version is an orphan: a cleanup with no protection time removes
    # it and its file, and leaves what a repository holds (old versions included, as in Pulp).
    orphan = pulp.json("python", "content", "upload", "--file", str(corpus_dir() / "idna-3.10-py3-none-any.whl"), "--relative-path",
                       "idna-3.10-py3-none-any.whl")
    cleaned = pulp.json("orphan", "cleanup", "--protection-time", "0")
    assert cleaned["state"] == "completed"
    # The wheel and its PEP 658 metadata file.
    assert {r["code"]: r["done"] for r in cleaned["progress_reports"]} == {"clean-up.content": 1, "clean-up.artifacts": 2}
    assert pulp.json("python", "content", "list", "--sha256", orphan["sha256"]) == []
    assert [c["filename"] for c in pulp.json("python", "content", "list")] == [filename]
    # With Pulp's default protection time (a day), nothing recent is touched.
    pulp.json("python", "content", "upload", "--file", str(corpus_dir() / "idna-3.10-py3-none-any.whl"), "--relative-path",
              "idna-3.10-py3-none-any.whl")
    protected = pulp.json("orphan", "cleanup")
    assert {r["code"]: r["done"] for r in protected["progress_reports"]} == {"clean-up.content": 0, "clean-up.artifacts": 0}
    assert len(pulp.json("python", "content", "list")) == 2


def test_named_users_manage_and_a_deleted_one_cannot(pulp, workdir):
    password = workdir / "operator-password"
    password.write_text("operator-secret\n")
    pulp.server.cli("user", "create", "operator", "--password-file", str(password))
    env = dict(os.environ, XDG_CACHE_HOME=str(pulp.cache))
    as_operator = [str(pulp.binary), "--base-url", pulp.server.url, "--username", "operator", "--password", "operator-secret"]
    created = subprocess.run(as_operator + ["python", "repository", "create", "--name", "by-operator"], capture_output=True, text=True, env=env)
    assert created.returncode == 0, created.stderr
    assert [u["username"] for u in json.loads(pulp.server.cli("user", "list", "--json").stdout)] == ["admin", "operator"]
    # Not staff: it may not manage users.
    refused = subprocess.run(as_operator + ["user", "list"], capture_output=True, text=True, env=env)
    assert refused.returncode == 1 and "Operation users_list is not authorized" in refused.stderr, refused.stderr
    pulp.server.cli("user", "delete", "operator")
    refused = subprocess.run(as_operator + ["python", "repository", "list"], capture_output=True, text=True, env=env)
    assert refused.returncode == 1 and "Authentication failed" in refused.stderr, refused.stderr


def test_pulp_cli_manages_users_and_tokens_sign_in(pulp, workdir):
    """`pulp user create/list/show/update/destroy` as staff; a token made with `wheelhouse user
    token create` signs in for pulp-cli in place of the password, and for twine as __token__."""
    created = pulp.json("user", "create", "--username", "frank", "--password", "frank-secret", "--email", "frank@example.com")
    assert created["username"] == "frank" and created["is_staff"] is False and created["pulp_href"].startswith("/pulp/api/v3/users/")
    assert [u["username"] for u in pulp.json("user", "list")] == ["admin", "frank"]
    assert pulp.json("user", "show", "--username", "frank")["email"] == "frank@example.com"
    pulp("user", "update", "--username", "frank", "--first-name", "Frank", "--staff")
    shown = pulp.json("user", "show", "--username", "frank")
    assert shown["first_name"] == "Frank" and shown["is_staff"] is True

    token = json.loads(pulp.server.cli("user", "token", "create", "frank", "--label", "ci", "--json").stdout)["token"]
    env = dict(os.environ, XDG_CACHE_HOME=str(pulp.cache))
    as_frank = [str(pulp.binary), "--base-url", pulp.server.url, "--username", "frank", "--password", token]
    listed = subprocess.run(as_frank + ["user", "list"], capture_output=True, text=True, env=env)
    assert listed.returncode == 0, listed.stderr
    wheel = corpus_dir() / "six-1.16.0-py2.py3-none-any.whl"
    run(tool("twine"), "upload", "--disable-progress-bar", "--non-interactive", "--repository-url", pulp.server.upload_url(),
        "-u", "__token__", "-p", token, wheel)
    page = requests.get(f"{pulp.server.index()}six/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}).json()
    assert [f["filename"] for f in page["files"]] == [wheel.name]

    (listed_token,) = json.loads(pulp.server.cli("user", "token", "list", "frank", "--json").stdout)
    pulp.server.cli("user", "token", "revoke", "frank", str(listed_token["id"]))
    refused = subprocess.run(as_frank + ["user", "list"], capture_output=True, text=True, env=env)
    assert refused.returncode == 1 and "Authentication failed" in refused.stderr, refused.stderr
    pulp("user", "destroy", "--username", "frank")
    assert [u["username"] for u in pulp.json("user", "list")] == ["admin"]


def test_attestations_and_provenance_through_pulp_cli(pulp, workdir, attestation_assets):
    """`content upload --attestation` (real attestations, from PyPI's Trusted Publishers) and
    `content --type provenance create/list` for PyPI's own provenance object; a provenance
    about other bytes is refused with the reason."""
    gitlab = attestation_assets / "gitlab_oidc_project-0.0.3.tar.gz"
    uploaded = pulp.json("python", "content", "upload", "--file", str(gitlab), "--relative-path", gitlab.name,
                         "--attestation", f"@{gitlab}.publish.attestation", "--repository", "default")
    assert uploaded["filename"] == gitlab.name and uploaded["provenance"].startswith("prn:python.packageprovenance:")

    sdist = attestation_assets / "pypi_attestations-0.0.19.tar.gz"
    package = pulp.json("python", "content", "upload", "--file", str(sdist), "--relative-path", sdist.name)
    assert package["provenance"] is None
    wrong = pulp("python", "content", "--type", "provenance", "create", "--package", uploaded["sha256"],
                 "--file", f"{sdist}.provenance", check=False)
    assert wrong.returncode != 0 and "an attestation is for a file with sha256" in wrong.stderr
    created = pulp.json("python", "content", "--type", "provenance", "create", "--package", package["sha256"], "--file", f"{sdist}.provenance")
    assert created["package"] == package["pulp_href"]
    assert created["provenance"] == json.loads((attestation_assets / f"{sdist.name}.provenance").read_bytes())
    listed = pulp.json("python", "content", "--type", "provenance", "list", "--package", package["sha256"])
    assert [p["pulp_href"] for p in listed] == [created["pulp_href"]]
    assert len(pulp.json("python", "content", "--type", "provenance", "list")) == 2
    assert pulp.json("python", "content", "show", "--href", package["pulp_href"])["provenance"] == created["prn"]


def test_content_from_a_file_url(pulp, primary):
    """`content create --file-url`: the server downloads the file (here from another Wheelhouse)
    and checks it as an upload; a URL that does not answer fails the task, saying so."""
    filename = "six-1.16.0-py2.py3-none-any.whl"
    page = requests.get(f"{primary.index()}six/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}).json()
    url = next(f["url"] for f in page["files"] if f["filename"] == filename)
    created = pulp.json("python", "content", "create", "--file-url", url, "--relative-path", filename, "--repository", "default")
    assert created["filename"] == filename and created["sha256"] == checksums()[filename]
    listed = pulp.json("python", "repository", "content", "list", "--repository", "default")
    assert [p["filename"] for p in listed] == [filename]
    missing = pulp("python", "content", "create", "--file-url", f"{primary.url}/packages/00/00/nothing/{filename}",
                   "--relative-path", filename, check=False)
    assert missing.returncode != 0 and "could not download" in missing.stderr and "404" in missing.stderr
