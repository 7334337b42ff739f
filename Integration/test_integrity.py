"""Integrity at rest (issue 14, first part): `wheelhouse verify` re-reads every stored file and
names each one that is missing or altered; `--repair` fetches it again from the upstream it was
synced from, checks it, and puts it back. A file that was uploaded has no upstream to fetch
from, and says so. A mirror also fetches a missing file again when a client asks for it; a
server never sends a damaged file (503, and a log line)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import requests

from conftest import Server, binary, checksums, corpus_dir, eventually, run, twine_upload

FILES = ["six-1.16.0-py2.py3-none-any.whl", "idna-3.10-py3-none-any.whl", "certifi-2024.8.30-py3-none-any.whl"]


def blob(data_dir: Path, sha256: str) -> Path:
    return data_dir / "artifacts" / sha256[:2] / sha256[2:4] / sha256


def verify(data_dir: Path, *args: str) -> tuple[int, dict]:
    result = run(binary(), "verify", "--data-dir", data_dir, "--json", *args, check=False)
    return result.returncode, json.loads(result.stdout)


def test_verify_names_altered_and_missing_files_and_repair_fetches_them_again(workdir):
    primary = Server(workdir / "primary")
    try:
        twine_upload(primary, *(corpus_dir() / name for name in FILES))
        mirror = workdir / "mirror"
        synced = run(binary(), "sync", "--data-dir", mirror, "--upstream", f"{primary.url}/pypi/default/", "--json")
        assert json.loads(synced.stdout.strip().splitlines()[-1])["files_added"] == 3
        code, report = verify(mirror)
        assert code == 0 and report["problems"] == [] and report["checked"] == 6  # three files, three metadata files

        altered = blob(mirror, checksums()[FILES[0]])
        data = bytearray(altered.read_bytes())
        data[len(data) // 2] ^= 0x01
        altered.write_bytes(bytes(data))
        blob(mirror, checksums()[FILES[1]]).unlink()
        code, report = verify(mirror)
        assert code == 1 and report["remaining"] == 2
        found = {p["file"]: p["problem"] for p in report["problems"]}
        assert found[FILES[0]].startswith("altered: its bytes now have sha256 ") and found[FILES[1]] == "missing"

        code, report = verify(mirror, "--repair")
        assert code == 0 and report["remaining"] == 0 and {p["outcome"] for p in report["problems"]} == {"repaired"}
        for name in FILES[:2]:
            assert hashlib.sha256(blob(mirror, checksums()[name]).read_bytes()).hexdigest() == checksums()[name]
        assert verify(mirror)[0] == 0

        # Served: a file gone from the mirror's store is fetched again, verified, when asked for.
        blob(mirror, checksums()[FILES[2]]).unlink()
        served = Server(mirror)
        try:
            page = requests.get(f"{served.index()}certifi/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}).json()
            response = requests.get(page["files"][0]["url"])
            assert response.status_code == 200 and hashlib.sha256(response.content).hexdigest() == checksums()[FILES[2]]
        finally:
            served.stop()
        assert verify(mirror)[0] == 0

        # At the primary the files were uploaded: a damaged one is refused, not served, and
        # there is nothing to fetch it from. (Files served before stay in memory, intact.)
        later = ["colorama-0.4.6-py2.py3-none-any.whl", "zipp-3.20.2-py3-none-any.whl"]
        twine_upload(primary, *(corpus_dir() / name for name in later))
        damaged = blob(workdir / "primary", checksums()[later[0]])
        data = bytearray(damaged.read_bytes())
        data[-1] ^= 0x01
        damaged.write_bytes(bytes(data))
        page = requests.get(f"{primary.index()}colorama/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}).json()
        refused = requests.get(page["files"][0]["url"])
        assert refused.status_code == 503 and "is damaged" in refused.text and "wheelhouse verify --repair" in refused.text
        assert "a stored file no longer matches its sha256" in primary.log.read_text()
        six = requests.get(f"{primary.index()}six/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}).json()["files"][0]
        blob(workdir / "primary", six["core-metadata"]["sha256"]).write_bytes(b"not the metadata")
        blob(workdir / "primary", checksums()[later[1]]).unlink()
        page = requests.get(f"{primary.index()}zipp/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}).json()
        missing = requests.get(page["files"][0]["url"])
        assert missing.status_code == 503 and "is missing" in missing.text
        code, report = verify(workdir / "primary", "--repair", "--distribution", "default")
        assert code == 1 and report["remaining"] == 2
        outcomes = {p["file"]: p["outcome"] for p in report["problems"]}
        assert outcomes.pop(f"{FILES[0]}.metadata") == "repaired"  # made again from the wheel
        assert len(outcomes) == 2 and all(o.startswith("not repairable: it was not synced from an upstream") for o in outcomes.values())
    finally:
        primary.stop()


def test_cleanup_removes_orphans_after_the_protection_time(server, workdir):
    """`wheelhouse cleanup`: a package no repository version holds (created through the API
    without a repository) stays within the protection time and goes after it, with its files;
    what a repository holds stays."""
    twine_upload(server, corpus_dir() / FILES[0])
    orphan = corpus_dir() / FILES[1]
    accepted = requests.post(f"{server.url}/pulp/api/v3/content/python/packages/", auth=("admin", Server.PASSWORD),
                             files={"file": (orphan.name, orphan.read_bytes())}, data={"relative_path": orphan.name})
    assert accepted.status_code == 202
    task = server.url + accepted.json()["task"]
    assert eventually(lambda: requests.get(task, auth=("admin", Server.PASSWORD)).json()["state"] == "completed", timeout=10)
    assert blob(server.data_dir, checksums()[orphan.name]).exists()

    kept = json.loads(run(binary(), "cleanup", "--data-dir", server.data_dir, "--json").stdout)
    assert kept == {"packages": 0, "files": 0, "bytes": 0}
    removed = json.loads(run(binary(), "cleanup", "--data-dir", server.data_dir, "--protection-time", "0", "--json").stdout)
    assert removed["packages"] == 1 and removed["files"] == 2 and removed["bytes"] > orphan.stat().st_size
    assert not blob(server.data_dir, checksums()[orphan.name]).exists()
    assert blob(server.data_dir, checksums()[FILES[0]]).exists()
    assert verify(server.data_dir)[0] == 0

