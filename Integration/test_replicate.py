"""Replication between Wheelhouses (the capsule role, through the management API): a central
primary, a regional tier that keeps files on demand, and an edge, on loopback. The edge
serves what the centre has, through the regional tier; a change at the centre reaches the
edge on the next runs; a run with no change costs one request; an upstream failing mid-run
leaves every distribution serving what it served; a distribution deleted upstream goes as the
delete policy says. Driven by `wheelhouse replicate`, and by the API's `replicate/`."""
from __future__ import annotations

import json
import time

import pytest
import requests

from conftest import Server, binary, checksums, corpus_dir, run, tool, twine_upload
from fault_proxy import FaultProxy

FIRST = ["six-1.16.0-py2.py3-none-any.whl", "idna-3.10-py3-none-any.whl"]
ADDED = "six-1.17.0-py2.py3-none-any.whl"
TOOLS = ["certifi-2024.8.30-py3-none-any.whl"]


def api(server: Server) -> requests.Session:
    session = requests.Session()
    session.auth = ("admin", Server.PASSWORD)
    return session


def api_url(server: Server, path: str) -> str:
    return f"{server.url}/pulp/api/v3/{path}"


def wait_task(server: Server, href: str) -> dict:
    for _ in range(600):
        task = api(server).get(server.url + href).json()
        if task["state"] in ("completed", "failed", "canceled"):
            return task
        time.sleep(0.05)
    raise AssertionError(f"task {href} did not finish")


def labelled_distribution(server: Server, name: str, files: list[str], labels: dict[str, str]) -> None:
    """A repository with `files` (uploaded through the API) and a distribution serving it."""
    session = api(server)
    repository = session.post(api_url(server, "repositories/python/python/"), json={"name": name}).json()
    for filename in files:
        with (corpus_dir() / filename).open("rb") as handle:
            accepted = session.post(api_url(server, "content/python/packages/"), files={"file": (filename, handle)},
                                    data={"relative_path": filename, "repository": repository["pulp_href"]})
        assert wait_task(server, accepted.json()["task"])["state"] == "completed"
    created = session.post(api_url(server, "distributions/python/pypi/"), json={
        "name": name, "base_path": name, "repository": repository["pulp_href"], "pulp_labels": labels})
    assert wait_task(server, created.json()["task"])["state"] == "completed"


def replicate(data_dir, upstream: str, *args: str, expect_failure: bool = False) -> dict:
    password = data_dir.parent / "upstream-password"
    password.write_text(Server.PASSWORD + "\n")
    result = run(binary(), "replicate", "--data-dir", data_dir, "--upstream", upstream, "--username", "admin",
                 "--password-file", password, "--json", *args, check=False)
    assert (result.returncode != 0) == expect_failure, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def served(server: Server, base: str) -> dict[str, str]:
    """filename → sha256 of what a distribution serves, from its PEP 691 pages."""
    accept = {"Accept": "application/vnd.pypi.simple.v1+json"}
    root = requests.get(server.index(base), headers=accept, timeout=30).json()
    files = {}
    for project in root["projects"]:
        page = requests.get(server.index(base) + project["name"] + "/", headers=accept, timeout=30).json()
        files.update({f["filename"]: f["hashes"]["sha256"] for f in page["files"]})
    return files


def expected(names: list[str]) -> dict[str, str]:
    return {name: checksums()[name] for name in names}


def test_three_tiers_follow_the_centre(workdir):
    central = Server(workdir / "central")
    regional = edge = None
    try:
        twine_upload(central, *(corpus_dir() / name for name in FIRST))
        default = api(central).get(api_url(central, "distributions/python/pypi/"), params={"name": "default"}).json()["results"][0]
        api(central).post(central.url + default["pulp_href"] + "set_label/", json={"key": "tier", "value": "edge"})
        labelled_distribution(central, "tools", TOOLS, {"tier": "edge"})
        labelled_distribution(central, "internal", ["idna-3.10-py3-none-any.whl"], {"tier": "core"})

        # The regional tier keeps files on demand; the edge downloads through it.
        first = replicate(workdir / "regional", central.url, "--select", "tier=edge", "--policy", "on_demand")
        assert first["switched"] and sorted(s["distribution"] for s in first["synced"]) == ["default", "tools"]
        assert all(s["bytes_downloaded"] == 0 for s in first["synced"])
        regional = Server(workdir / "regional")
        # The replicas carry the centre's labels: the edge selects by them too.
        second = replicate(workdir / "edge", regional.url, "--select", "tier=edge")
        assert sorted(s["distribution"] for s in second["synced"]) == ["default", "tools"]
        edge = Server(workdir / "edge")
        assert served(edge, "default") == expected(FIRST)
        assert served(edge, "tools") == expected(TOOLS)
        assert requests.get(edge.index("internal"), timeout=30).status_code == 404
        target = workdir / "target"
        run(tool("pip"), "install", "--no-cache-dir", "--target", target, "--index-url", edge.index("default"), "six==1.16.0")

        # No change: the list only, for each tier.
        quiet = replicate(workdir / "edge", regional.url, "--select", "tier=edge")
        assert quiet["synced"] == [] and sorted(quiet["unchanged"]) == ["default", "tools"] and quiet["upstream_requests"] == 1

        # A change at the centre reaches the edge after a run of each tier.
        time.sleep(1.1)  # the upstream's clock has whole seconds in its Date header
        twine_upload(central, corpus_dir() / ADDED)
        assert [s["distribution"] for s in replicate(workdir / "regional", central.url, "--select", "tier=edge",
                                                      "--policy", "on_demand")["synced"]] == ["default"]
        time.sleep(1.1)
        assert [s["distribution"] for s in replicate(workdir / "edge", regional.url, "--select", "tier=edge")["synced"]] == ["default"]
        assert served(edge, "default") == expected(FIRST + [ADDED])

        # Deleted upstream: the labeled policy removes the replica, with its repository.
        tools = api(central).get(api_url(central, "distributions/python/pypi/"), params={"name": "tools"}).json()["results"][0]
        assert wait_task(central, api(central).delete(central.url + tools["pulp_href"]).json()["task"])["state"] == "completed"
        removed = replicate(workdir / "regional", central.url, "--select", "tier=edge", "--policy", "on_demand")
        assert removed["removed"] == ["tools"]
        assert requests.get(regional.index("tools"), timeout=30).status_code == 404
    finally:
        for server in (edge, regional, central):
            if server:
                server.stop()


def test_a_failure_mid_run_switches_nothing(workdir):
    central = Server(workdir / "central")
    proxy = FaultProxy(central.url)
    try:
        twine_upload(central, *(corpus_dir() / name for name in FIRST))
        labelled_distribution(central, "tools", TOOLS, {})
        replicate(workdir / "capsule", proxy.url)
        twine_upload(central, corpus_dir() / ADDED)
        labelled_distribution(central, "more", TOOLS, {})
        # The listing answers; the changed distribution's pages keep failing, the new one syncs.
        proxy.fail_first["/pypi/default/simple/"] = [500] * 50
        failed = replicate(workdir / "capsule", proxy.url, expect_failure=True)
        assert not failed["switched"] and [f["distribution"] for f in failed["failures"]] == ["default"]
        assert [s["distribution"] for s in failed["synced"]] == ["more"]
        capsule = Server(workdir / "capsule")
        try:
            # Every distribution serves what it served before, the one that synced too.
            assert served(capsule, "default") == expected(FIRST)
            assert requests.get(capsule.index("more"), timeout=30).status_code == 404
        finally:
            capsule.stop()
        proxy.fail_first.clear()
        healed = replicate(workdir / "capsule", proxy.url)
        assert healed["switched"] and healed["failures"] == []
        capsule = Server(workdir / "capsule")
        try:
            assert served(capsule, "default") == expected(FIRST + [ADDED])
            assert served(capsule, "more") == expected(TOOLS)
        finally:
            capsule.stop()
    finally:
        proxy.close()
        central.stop()


def test_replicate_through_the_api_as_a_task_group(workdir):
    central = Server(workdir / "central")
    capsule = Server(workdir / "capsule")
    try:
        twine_upload(central, *(corpus_dir() / name for name in FIRST))
        session = api(capsule)
        created = session.post(api_url(capsule, "upstream-pulps/"), json={
            "name": "centre", "base_url": central.url, "api_root": "/pulp/", "username": "admin", "password": Server.PASSWORD,
            "policy": "labeled", "tls_validation": False})
        assert created.status_code == 201, created.text
        upstream = created.json()
        assert {f["name"]: f["is_set"] for f in upstream["hidden_fields"]}["password"] is True and "password" not in upstream
        accepted = session.post(capsule.url + upstream["pulp_href"] + "replicate/", json={})
        assert accepted.status_code == 202
        group_href = accepted.json()["task_group"]
        for _ in range(600):
            group = session.get(capsule.url + group_href).json()
            if group["waiting"] + group["running"] == 0:
                break
            time.sleep(0.05)
        assert group["completed"] == 1 and group["failed"] == 0, group
        assert served(capsule, "default") == expected(FIRST)
        assert session.get(capsule.url + upstream["pulp_href"]).json()["last_replication"] is not None
    finally:
        capsule.stop()
        central.stop()


def make_ca(where) -> tuple[str, str, str]:
    """A CA made here, and a certificate for 127.0.0.1 it signed: (CA PEM, certificate file, key file)."""
    def openssl(*args: str) -> None:
        run("openssl", *args, cwd=where)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=wheelhouse test CA", "-days", "2")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    (where / "san.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
            "-days", "2", "-extfile", "san.cnf")
    return (where / "ca.pem").read_text(), str(where / "server.pem"), str(where / "server.key")


def test_an_upstream_behind_tls_trusted_by_a_ca_given_as_pem_text(workdir):
    """pulp-cli sends `--ca-cert @file` as the file's text: the capsule trusts that CA for the
    upstream (and only it); without it the run fails naming the certificate; PEM that does not
    parse is a field error when the upstream is created."""
    central = Server(workdir / "central")
    capsule = Server(workdir / "capsule")
    proxy = None
    try:
        twine_upload(central, *(corpus_dir() / name for name in FIRST))
        ca_pem, certificate, key = make_ca(workdir)
        proxy = FaultProxy(central.url, tls=(certificate, key))
        session = api(capsule)

        def replicate_from(name: str, **fields) -> dict:
            created = session.post(api_url(capsule, "upstream-pulps/"), json={
                "name": name, "base_url": proxy.url, "api_root": "/pulp/", "username": "admin", "password": Server.PASSWORD,
                "policy": "labeled", **fields})
            assert created.status_code == 201, created.text
            group = session.post(capsule.url + created.json()["pulp_href"] + "replicate/", json={}).json()["task_group"]
            for _ in range(600):
                state = session.get(capsule.url + group).json()
                if state["waiting"] + state["running"] + state["canceling"] == 0 and state["completed"] + state["failed"] > 0:
                    return state
                time.sleep(0.05)
            raise AssertionError("the replication did not finish")

        untrusted = replicate_from("untrusted")
        assert untrusted["failed"] == 1
        (task,) = [t for t in session.get(api_url(capsule, "tasks/")).json()["results"] if t["state"] == "failed"]
        assert "certificate" in json.dumps(task["error"]).lower()

        bad = session.post(api_url(capsule, "upstream-pulps/"), json={
            "name": "bad", "base_url": proxy.url, "ca_cert": "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n"})
        assert bad.status_code == 400 and "ca_cert" in bad.json()

        session.delete(capsule.url + session.get(api_url(capsule, "upstream-pulps/"), params={"name": "untrusted"}).json()["results"][0]["pulp_href"])
        trusted = replicate_from("trusted", ca_cert=ca_pem)
        assert trusted["completed"] == 1 and trusted["failed"] == 0, trusted
        assert served(capsule, "default") == expected(FIRST)
    finally:
        if proxy:
            proxy.close()
        capsule.stop()
        central.stop()
