"""Wheelhouse against a real pulpcore + pulp_python (from PyPI, on a private PostgreSQL from
Debian; `Integration/pulp/harness` installs and starts them on loopback): a capsule syncs from
the URL Pulp documents for a distribution (`/pypi/BASE/`, which redirects a published
distribution's pages to the content app) and from the content app itself, from a published
and a repository-backed distribution, and follows an added release, a removed one and a yank
each time; an on-demand capsule downloads no file body; and Pulp syncs from Wheelhouse."""
from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
import requests

from conftest import ROOT, Server, add_provenance, binary, checksums, corpus_dir, run, tool, twine_upload, upload_corpus
from pulp.pulp_client import PulpClient

HARNESS = ROOT / "Integration" / "pulp" / "harness"
FILES = ["six-1.16.0-py2.py3-none-any.whl", "six-1.16.0.tar.gz", "idna-3.10-py3-none-any.whl", "certifi-2024.8.30-py3-none-any.whl"]
ADDED = "six-1.17.0-py2.py3-none-any.whl"


@pytest.fixture(scope="module")
def pulp():
    """A running Pulp with nothing in it; stopped after the module."""
    for step in ("setup", "start"):
        result = subprocess.run([str(HARNESS), step], capture_output=True, text=True)
        assert result.returncode == 0, f"harness {step} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    client = PulpClient.from_env()
    client.tidy()
    yield client
    subprocess.run([str(HARNESS), "stop"], capture_output=True, text=True)


def sync(data_dir: Path, upstream: str, *args: str, expect_failure: bool = False) -> dict:
    result = run(binary(), "sync", "--data-dir", data_dir, "--upstream", upstream, "--json", *args, check=False)
    assert (result.returncode != 0) == expect_failure, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def mirrored(data_dir: Path) -> dict[str, dict]:
    return {p["filename"]: p for p in json.loads(run(binary(), "content", "list", "--data-dir", data_dir, "--json").stdout)}


def repository_with(pulp: PulpClient, name: str, files: list[str]) -> dict:
    repo = pulp.create_repository(name)
    for filename in files:
        pulp.upload(repo, corpus_dir() / filename)
    return repo


def republish(pulp: PulpClient, repo: dict, distribution: dict) -> None:
    pulp.update_distribution(distribution, publication=pulp.publish(repo))


def yank(pulp: PulpClient, base_path: str, name: str, version: str, reason: str) -> None:
    """pulp_python's PEP 592 yank: a new repository version with a yank marker."""
    pulp.wait_task(pulp.post(pulp.pypi_url(base_path) + "yank/", json={"name": name, "version": version, "yanked_reason": reason}))


@pytest.mark.parametrize("where", ["api", "content"])
def test_published_distribution_followed_through_added_removed_and_yanked(pulp, workdir, where):
    base = f"pub-{where}"
    repo = repository_with(pulp, base, FILES)
    distribution = pulp.create_distribution(base, publication=pulp.publish(repo))
    upstream = pulp.pypi_url(base) if where == "api" else pulp.content_url(base)
    mirror = workdir / "mirror"

    first = sync(mirror, upstream)
    assert first["failures"] == [] and first["files_added"] == len(FILES)
    held = mirrored(mirror)
    assert {name: held[name]["sha256"] for name in held} == {name: checksums()[name] for name in FILES}

    pulp.upload(repo, corpus_dir() / ADDED)
    republish(pulp, repo, distribution)
    added = sync(mirror, upstream)
    assert added["failures"] == [] and added["files_added"] == 1 and ADDED in mirrored(mirror)

    pulp.remove_files(repo, "idna-3.10-py3-none-any.whl")
    republish(pulp, repo, distribution)
    removed = sync(mirror, upstream)
    assert removed["failures"] == [] and removed["files_removed"] == 1 and "idna-3.10-py3-none-any.whl" not in mirrored(mirror)

    # pulp_python yanks through a distribution that serves the repository itself, and writes no
    # yank into published pages (only its live pages carry them): the mirror follows what the
    # published pages say, which is nothing.
    pulp.create_distribution(base + "-yanks", repository=repo)
    yank(pulp, base + "-yanks", "certifi", "2024.8.30", "bad certificates")
    republish(pulp, repo, distribution)
    after_yank = sync(mirror, upstream)
    assert after_yank["failures"] == []
    assert not mirrored(mirror)["certifi-2024.8.30-py3-none-any.whl"]["yanked"]

    unchanged = sync(mirror, upstream)
    assert unchanged["repository_version"] is None and unchanged["bytes_downloaded"] == 0 and unchanged["failures"] == []


@pytest.mark.parametrize("where", ["api", "content"])
def test_repository_backed_distribution_followed_through_added_removed_and_yanked(pulp, workdir, where):
    base = f"live-{where}"
    repo = repository_with(pulp, base, FILES)
    pulp.create_distribution(base, repository=repo)
    mirror = workdir / "mirror"
    if where == "content":
        # Pulp's content app has simple pages only for publications: the index of a
        # repository-backed distribution is its /pypi/BASE/ URL, and the sync says so.
        refused = sync(mirror, pulp.content_url(base), expect_failure=True)
        assert refused["error"]["code"] == "bad-response" and "a Python package index?" in refused["error"]["reason"]
        return
    upstream = pulp.pypi_url(base)

    first = sync(mirror, upstream)
    assert first["failures"] == [] and first["files_added"] == len(FILES)
    # Pulp's serial never moves (1000000000): the mirror does not trust it.
    assert first["upstream_serial"] == 1000000000

    pulp.upload(repo, corpus_dir() / ADDED)
    assert sync(mirror, upstream)["files_added"] == 1 and ADDED in mirrored(mirror)

    pulp.remove_files(repo, "idna-3.10-py3-none-any.whl")
    assert sync(mirror, upstream)["files_removed"] == 1 and "idna-3.10-py3-none-any.whl" not in mirrored(mirror)

    yank(pulp, base, "certifi", "2024.8.30", "bad certificates")
    yanked = sync(mirror, upstream)
    assert yanked["failures"] == []
    certifi = mirrored(mirror)["certifi-2024.8.30-py3-none-any.whl"]
    assert certifi["yanked"] and certifi["yanked_reason"] == "bad certificates"


def test_named_includes_from_pulp_read_only_their_pages(pulp, workdir):
    repo = repository_with(pulp, "few", FILES)
    pulp.create_distribution("few", publication=pulp.publish(repo))
    mirror = workdir / "mirror"
    first = sync(mirror, pulp.pypi_url("few"), "--include", "six")
    assert first["failures"] == [] and first["files_added"] == 2
    again = sync(mirror, pulp.pypi_url("few"), "--include", "six")
    assert again["upstream_requests"] == 1 and again["bytes_downloaded"] == 0


def test_on_demand_from_pulp_downloads_no_file_and_serves_them_later(pulp, workdir):
    repo = repository_with(pulp, "lazy", FILES)
    pulp.create_distribution("lazy", publication=pulp.publish(repo))
    mirror_dir = workdir / "mirror"
    summary = sync(mirror_dir, pulp.content_url("lazy"), "--policy", "on_demand")
    assert summary["failures"] == [] and summary["files_added"] == len(FILES)
    assert summary["bytes_downloaded"] == 0 and summary["sizes_from_head"] == len(FILES)
    capsule = Server(mirror_dir)
    try:
        run(tool("pip"), "download", "--no-deps", "--no-cache-dir", "--disable-pip-version-check", "--index-url", capsule.index(),
            "--dest", workdir / "got", "idna")
        got = workdir / "got" / "idna-3.10-py3-none-any.whl"
        assert got.read_bytes() == (corpus_dir() / "idna-3.10-py3-none-any.whl").read_bytes()
    finally:
        capsule.stop()


def test_pulp_syncs_from_wheelhouse(pulp, workdir):
    primary = Server(workdir / "primary")
    try:
        upload_corpus(primary)
        remote = pulp.post("remotes/python/python/", json={
            "name": "from-wheelhouse", "url": f"{primary.url}/pypi/default/", "includes": ["six", "idna", "requests"],
            "policy": "immediate"})
        repo = pulp.create_repository("from-wheelhouse")
        pulp.wait_task(pulp.post(repo["pulp_href"] + "sync/", json={"remote": remote["pulp_href"]}))
        packages = pulp.packages(pulp.latest_version(repo))
        expected = {name for name in checksums() if name.split("-")[0] in {"six", "idna", "requests"}}
        assert {p["filename"] for p in packages} == expected
        assert all(p["sha256"] == checksums()[p["filename"]] for p in packages)
    finally:
        primary.stop()


def test_pulp_syncs_provenance_from_wheelhouse(pulp, workdir, attestation_assets):
    """A stock pulp_python remote with `provenance: true` reads PEP 691's `provenance` key and
    Wheelhouse's Integrity API, and validates the document with pypi-attestations' model."""
    primary = Server(workdir / "primary")
    try:
        sdist = attestation_assets / "pypi_attestations-0.0.19.tar.gz"
        original = json.loads((attestation_assets / "pypi_attestations-0.0.19.tar.gz.provenance").read_bytes())
        add_provenance(primary, sdist, json.dumps(original).encode(), to_repository=True)
        remote = pulp.post("remotes/python/python/", json={
            "name": "provenance-from-wheelhouse", "url": f"{primary.url}/pypi/default/", "includes": ["pypi-attestations"],
            "policy": "immediate", "provenance": True})
        repo = pulp.create_repository("provenance-from-wheelhouse")
        pulp.wait_task(pulp.post(repo["pulp_href"] + "sync/", json={"remote": remote["pulp_href"]}))
        (package,) = pulp.packages(pulp.latest_version(repo))
        assert package["filename"] == sdist.name
        provenances = pulp.list("content/python/provenance/", repository_version=pulp.latest_version(repo))
        assert len(provenances) == 1
        synced = provenances[0]["provenance"]
        assert [b["publisher"]["kind"] for b in synced["attestation_bundles"]] == ["GitHub"]
        assert synced["attestation_bundles"][0]["attestations"][0]["envelope"] == original["attestation_bundles"][0]["attestations"][0]["envelope"]
    finally:
        primary.stop()


def test_stock_pulp_replicates_selected_distributions_from_wheelhouse(pulp, workdir):
    """pulpcore's own `replicate`, pointed at Wheelhouse's management API: it lists the
    distributions the label selector picks, and syncs each from its base_url."""
    primary = Server(workdir / "primary")
    try:
        twine_upload(primary, *(corpus_dir() / name for name in FILES))
        api = requests.Session()
        api.auth = ("admin", Server.PASSWORD)
        base = f"{primary.url}/pulp/api/v3/"
        default = api.get(base + "distributions/python/pypi/", params={"name": "default"}).json()["results"][0]
        assert api.post(base + default["pulp_href"].removeprefix("/pulp/api/v3/") + "set_label/",
                        json={"key": "replicate", "value": "yes"}).status_code == 201
        repository = api.post(base + "repositories/python/python/", json={"name": "unlabelled"}).json()
        created = api.post(base + "distributions/python/pypi/", json={"name": "unlabelled", "base_path": "unlabelled",
                                                                        "repository": repository["pulp_href"]})
        assert created.status_code == 202

        upstream = pulp.post("upstream-pulps/", json={
            "name": "wheelhouse", "base_url": primary.url, "api_root": "/pulp/", "username": "admin", "password": Server.PASSWORD,
            "policy": "nodelete", "q_select": 'pulp_label_select="replicate=yes"'})
        group = pulp.post(upstream["pulp_href"] + "replicate/", json={})["task_group"]
        deadline = time.monotonic() + 300
        while True:
            state = pulp.get(group)
            if state["waiting"] + state["running"] + state["canceling"] == 0 and state["completed"] + state["failed"] > 0:
                break
            assert time.monotonic() < deadline, state
            time.sleep(0.5)
        assert state["failed"] == 0 and state["canceled"] == 0, [pulp.get(t["pulp_href"])["error"] for t in state["tasks"]]
        replicated = pulp.distribution("default")
        assert replicated is not None and replicated["repository_version"]
        assert pulp.distribution("unlabelled") is None
        packages = pulp.packages(replicated["repository_version"])
        assert {p["filename"]: p["sha256"] for p in packages} == {name: checksums()[name] for name in FILES}
    finally:
        primary.stop()


def test_wheelhouse_replicates_selected_distributions_from_stock_pulp(pulp, workdir):
    """`wheelhouse replicate` pointed at a stock pulpcore: the label selector picks two
    distributions (one published, one serving its repository), and a change upstream is
    followed by the next run."""
    env = dict(line.split("=", 1) for line in subprocess.run([str(HARNESS), "env"], capture_output=True, text=True).stdout.split())
    alpha = repository_with(pulp, "rep-alpha", FILES[:2])
    alpha_distribution = pulp.create_distribution("rep-alpha", publication=pulp.publish(alpha), pulp_labels={"replicate": "yes"})
    beta = repository_with(pulp, "rep-beta", FILES[2:])
    pulp.create_distribution("rep-beta", repository=beta, pulp_labels={"replicate": "yes"})
    pulp.create_distribution("rep-gamma", repository=repository_with(pulp, "rep-gamma", FILES[:1]))
    password = workdir / "pulp-password"
    password.write_text(env["PULP_PASSWORD"] + "\n")
    capsule = workdir / "capsule"

    def replicate() -> dict:
        result = run(binary(), "replicate", "--data-dir", capsule, "--upstream", env["PULP_API_URL"], "--username", env["PULP_USER"],
                     "--password-file", password, "--select", "replicate=yes", "--json", check=False)
        assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
        return json.loads(result.stdout.strip().splitlines()[-1])

    first = replicate()
    assert first["switched"] and sorted(s["distribution"] for s in first["synced"]) == ["rep-alpha", "rep-beta"]
    server = Server(capsule)
    try:
        for base, files in (("rep-alpha", FILES[:2]), ("rep-beta", FILES[2:])):
            page = requests.get(server.index(base), headers={"Accept": "application/vnd.pypi.simple.v1+json"}, timeout=30).json()
            names = {p["name"] for p in page["projects"]}
            assert names == {f.split("-")[0] for f in files}
        assert requests.get(server.index("rep-gamma"), timeout=30).status_code == 404
    finally:
        server.stop()

    pulp.upload(alpha, corpus_dir() / ADDED)
    republish(pulp, alpha, alpha_distribution)
    second = replicate()
    synced = {s["distribution"]: s for s in second["synced"]}
    assert synced["rep-alpha"]["files_added"] == 1
    held = {p["filename"] for p in json.loads(run(binary(), "content", "list", "--data-dir", capsule, "--repository", "rep-alpha", "--json").stdout)}
    assert ADDED in held
