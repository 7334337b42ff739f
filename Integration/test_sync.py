"""The capsule agent's sync, end to end: a second Wheelhouse mirrors the first through
`wheelhouse sync`, real clients install from the mirror, re-syncs cost only what changed,
filters select exactly what they say, and a misbehaving upstream never lands a wrong byte."""
from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from conftest import Server, binary, checksums, corpus_dir, eventually, run, sha256, tool
from fault_proxy import FaultProxy

JSON_ACCEPT = {"Accept": "application/vnd.pypi.simple.v1+json"}


def sync(data_dir: Path, upstream: str, *args: str, expect_failure: bool = False) -> dict:
    result = run(binary(), "sync", "--data-dir", data_dir, "--upstream", upstream, "--json", *args, check=False)
    assert (result.returncode != 0) == expect_failure, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def content(data_dir: Path) -> dict[str, dict]:
    listed = json.loads(run(binary(), "content", "list", "--data-dir", data_dir, "--json").stdout)
    return {p["filename"]: p for p in listed}


def served_files(server_url: str, base: str = "default") -> dict[str, tuple]:
    """Every file a distribution serves, with what its simple JSON pages declare."""
    index = f"{server_url}/pypi/{base}/simple/"
    files = {}
    for project in requests.get(index, headers=JSON_ACCEPT).json()["projects"]:
        page = requests.get(f"{index}{project['name']}/", headers=JSON_ACCEPT).json()
        for f in page["files"]:
            files[f["filename"]] = (f["hashes"]["sha256"], f["size"], f["yanked"], f["upload-time"], f.get("requires-python"),
                                    f.get("core-metadata"))
    return files


def upstream_of(server: Server) -> str:
    return f"{server.url}/pypi/default/"


def change_upstream(server: Server, *args: str) -> None:
    """Runs a CLI command against the upstream's store and waits until the running server
    serves the change (it notices other processes' writes within a poll interval)."""
    def serial() -> int:
        return int(requests.get(server.index(), headers=JSON_ACCEPT).headers["X-PyPI-Last-Serial"])
    before = serial()
    server.cli(*args)
    assert eventually(lambda: serial() != before, timeout=10, interval=0.02), f"the server did not pick up `{' '.join(args)}`"


def route_requests(server: Server, route: str) -> int:
    text = requests.get(f"{server.url}/metrics").text
    return sum(int(float(line.rsplit(" ", 1)[1])) for line in text.splitlines()
               if line.startswith("wheelhouse_http_requests_total{") and f'route="{route}"' in line)


def requests_served(server: Server) -> int:
    text = requests.get(f"{server.url}/metrics").text
    return sum(int(float(line.rsplit(" ", 1)[1])) for line in text.splitlines()
               if line.startswith("wheelhouse_http_requests_total{") and 'route="/metrics"' not in line)


def test_full_mirror_installs_and_resyncs_for_at_most_two_requests(primary, workdir):
    mirror_dir = workdir / "mirror"
    first = sync(mirror_dir, upstream_of(primary))
    assert first["failures"] == []
    assert first["files_added"] == 70 and first["files_removed"] == 0
    assert first["projects_checked"] == 33 and first["projects_changed"] == 33
    assert first["bytes_downloaded"] == sum((corpus_dir() / name).stat().st_size for name in checksums())
    stored = content(mirror_dir)
    assert {name: p["sha256"] for name, p in stored.items()} == checksums()

    mirror = Server(mirror_dir)
    try:
        # The mirror serves what the primary serves: same files, hashes, sizes, yanks, upload
        # times (kept from upstream), requires-python and PEP 658 metadata hashes.
        assert served_files(mirror.url) == served_files(primary.url)
        run(tool("pip"), "install", "--no-cache-dir", "--disable-pip-version-check", "--index-url", mirror.index(),
            "--target", workdir / "site", "requests")
        assert (workdir / "site" / "requests" / "__init__.py").exists()

        # No change upstream: at most two requests (here one: the listing answers 304), no new
        # version; the running mirror server keeps serving.
        before = requests_served(primary)
        again = sync(mirror_dir, upstream_of(primary))
        assert again["upstream_requests"] <= 2 and requests_served(primary) - before <= 2
        assert again["files_added"] == 0 and again["repository_version"] is None and again["failures"] == []
    finally:
        mirror.stop()


def test_named_includes_read_their_pages_and_then_the_journal(server, workdir):
    corpus = corpus_dir()
    change_upstream(server, "upload", *[str(corpus / n) for n in ["six-1.16.0-py2.py3-none-any.whl", "idna-3.10-py3-none-any.whl",
                                                     "certifi-2024.8.30-py3-none-any.whl"]])
    mirror_dir = workdir / "mirror"
    listings = route_requests(server, "/pypi/{base}/simple")
    first = sync(mirror_dir, upstream_of(server), "--include", "six", "--include", "idna")
    assert first["files_added"] == 2 and first["upstream_requests"] == 4  # two pages, two files
    assert route_requests(server, "/pypi/{base}/simple") == listings, "the listing was read"
    # Nothing changed: one request, to the journal the pages named.
    again = sync(mirror_dir, upstream_of(server), "--include", "six", "--include", "idna")
    assert again["upstream_requests"] == 1 and again["repository_version"] is None
    # A change to a project not included costs nothing more; one to an included project, its page and file.
    change_upstream(server, "upload", str(corpus / "certifi-2024.8.30.tar.gz"))
    change_upstream(server, "upload", str(corpus / "six-1.17.0-py2.py3-none-any.whl"))
    third = sync(mirror_dir, upstream_of(server), "--include", "six", "--include", "idna")
    assert third["files_added"] == 1 and third["upstream_requests"] == 3 and third["projects_checked"] == 1


def test_an_upload_upstream_moves_exactly_one_project(server, workdir):
    corpus = corpus_dir()
    change_upstream(server, "upload", *[str(corpus / n) for n in ["six-1.16.0-py2.py3-none-any.whl", "idna-3.10-py3-none-any.whl",
                                                     "certifi-2024.8.30-py3-none-any.whl"]])
    mirror_dir = workdir / "mirror"
    first = sync(mirror_dir, upstream_of(server))
    assert first["files_added"] == 3 and first["projects_checked"] == 3
    change_upstream(server, "upload", str(corpus / "six-1.17.0-py2.py3-none-any.whl"))
    listings = route_requests(server, "/pypi/{base}/simple")
    second = sync(mirror_dir, upstream_of(server))
    assert second["projects_checked"] == 1 and second["projects_changed"] == 1
    assert second["files_added"] == 1 and second["files_removed"] == 0
    # The primary's changes journal since the last serial, six's page, the new file: the
    # listing itself is not read again.
    assert second["upstream_requests"] == 3
    assert route_requests(server, "/pypi/{base}/simple") == listings
    assert route_requests(server, "/pypi/{base}/changes") >= 1
    assert second["bytes_downloaded"] == (corpus / "six-1.17.0-py2.py3-none-any.whl").stat().st_size
    # Removed upstream: removed from the mirror too (mirror mode), kept with --additive.
    change_upstream(server, "content", "remove", "idna-3.10-py3-none-any.whl")
    additive = sync(mirror_dir, upstream_of(server), "--additive")
    assert "idna-3.10-py3-none-any.whl" in content(mirror_dir) and additive["files_removed"] == 0
    mirrored = sync(mirror_dir, upstream_of(server))
    assert mirrored["files_removed"] == 1 and "idna-3.10-py3-none-any.whl" not in content(mirror_dir)
    # A yank upstream reaches the mirror.
    change_upstream(server, "content", "yank", "six-1.16.0-py2.py3-none-any.whl", "--reason", "old")
    sync(mirror_dir, upstream_of(server))
    six = content(mirror_dir)["six-1.16.0-py2.py3-none-any.whl"]
    assert six["yanked"] and six["yanked_reason"] == "old"
    # A project status (PEP 792) upstream reaches the mirror; pypi-simple reads it upstream.
    from pypi_simple import PyPISimple, ProjectStatus
    change_upstream(server, "project", "status", "certifi", "archived", "--reason", "read only")
    with PyPISimple(endpoint=server.index()) as client:
        page = client.get_project_page("certifi")
        assert page.status == ProjectStatus.ARCHIVED and page.status_reason == "read only" and len(page.packages) == 1
    assert sync(mirror_dir, upstream_of(server))["projects_changed"] == 1
    status = json.loads(run(binary(), "project", "status", "certifi", "--data-dir", mirror_dir, "--json").stdout)
    assert (status["status"], status["reason"]) == ("archived", "read only")
    # Quarantined upstream offers no files: the mirror drops them and keeps the status.
    change_upstream(server, "project", "status", "certifi", "quarantined")
    quarantined = sync(mirror_dir, upstream_of(server))
    assert quarantined["files_removed"] == 1 and "certifi-2024.8.30-py3-none-any.whl" not in content(mirror_dir)
    status = json.loads(run(binary(), "project", "status", "certifi", "--data-dir", mirror_dir, "--json").stdout)
    assert status["status"] == "quarantined"

def test_a_distribution_replaced_upstream_is_mirrored_from_its_new_journal(server, workdir):
    corpus = corpus_dir()
    six, idna, certifi = "six-1.17.0-py2.py3-none-any.whl", "idna-3.10-py3-none-any.whl", "certifi-2024.8.30-py3-none-any.whl"
    change_upstream(server, "upload", *[str(corpus / n) for n in [six, idna, certifi]])
    mirror_dir = workdir / "mirror"
    assert sync(mirror_dir, upstream_of(server))["files_added"] == 3
    # The upstream's `default` is deleted and made again over another repository: its journal
    # starts over at lower serials and never mentions idna or certifi.
    server.cli("distribution", "delete", "default")
    server.cli("repository", "create", "fresh")
    server.cli("upload", "--repository", "fresh", str(corpus / six))
    server.cli("distribution", "create", "default", "--repository", "fresh")
    assert eventually(lambda: requests.get(server.index(), headers=JSON_ACCEPT).status_code == 200 and
                      [p["name"] for p in requests.get(server.index(), headers=JSON_ACCEPT).json()["projects"]] == ["six"], timeout=10)
    summary = sync(mirror_dir, upstream_of(server))
    assert summary["failures"] == [] and set(content(mirror_dir)) == {six}



@pytest.mark.parametrize("args, expected", [
    (["--include", "urllib3<2", "--include", "six==1.17.0"],
     {"urllib3-1.26.20-py2.py3-none-any.whl", "urllib3-1.26.20.tar.gz", "six-1.17.0-py2.py3-none-any.whl"}),
    (["--include", "markupsafe", "--exclude-platform", "windows", "--exclude-platform", "macos"],
     {"MarkupSafe-2.1.5-cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
      "MarkupSafe-2.1.5-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
      "MarkupSafe-2.1.5-cp311-cp311-musllinux_1_1_x86_64.whl", "MarkupSafe-2.1.5.tar.gz"}),
    (["--include", "packaging", "--include", "urllib3", "--keep-latest", "1", "--package-type", "bdist_wheel"],
     {"packaging-24.1-py3-none-any.whl", "urllib3-2.2.3-py3-none-any.whl"}),
    (["--include", "six", "--include", "requests", "--exclude", "requests<2.32"],
     {"six-1.16.0-py2.py3-none-any.whl", "six-1.16.0.tar.gz", "six-1.17.0-py2.py3-none-any.whl",
      "requests-2.32.3-py3-none-any.whl", "requests-2.32.3.tar.gz"}),
])
def test_filters_select_exactly(primary, workdir, args, expected):
    summary = sync(workdir / "mirror", upstream_of(primary), *args)
    assert summary["failures"] == []
    assert set(content(workdir / "mirror")) == expected


def test_requirements_file_include(primary, workdir):
    requirements = workdir / "requirements.txt"
    requirements.write_text("# what the capsule needs\nidna>=3 \\\n  ,<4\ncertifi  # the CA bundle\n")
    sync(workdir / "mirror", upstream_of(primary), "--requirements", str(requirements))
    assert set(content(workdir / "mirror")) == {"idna-3.10-py3-none-any.whl", "idna-3.10.tar.gz", "certifi-2024.8.30-py3-none-any.whl",
                                                 "certifi-2024.8.30.tar.gz"}
    # Written on Windows: the same selection.
    requirements.write_bytes(requirements.read_bytes().replace(b"\n", b"\r\n"))
    sync(workdir / "crlf", upstream_of(primary), "--requirements", str(requirements))
    assert set(content(workdir / "crlf")) == set(content(workdir / "mirror"))
    # A file that names nothing is refused: an empty include list would mean every project.
    requirements.write_text("# nothing yet\n")
    empty = run(binary(), "sync", "--data-dir", workdir / "empty", "--upstream", upstream_of(primary), "--requirements",
                str(requirements), check=False)
    assert empty.returncode != 0 and "names no project" in empty.stderr


def test_cool_down_hides_what_is_too_new(primary, workdir):
    # Every file on the primary was uploaded moments ago (upload times are the primary's).
    summary = sync(workdir / "mirror", upstream_of(primary), "--include", "six", "--min-age", "1d")
    assert summary["files_added"] == 0 and content(workdir / "mirror") == {}
    sync(workdir / "mirror", upstream_of(primary), "--include", "six", "--min-age", "0")
    assert len(content(workdir / "mirror")) == 3


def test_corrupted_byte_is_rejected_and_the_rest_lands(primary, workdir):
    proxy = FaultProxy(primary.url)
    try:
        proxy.corrupt.add("idna-3.10-py3-none-any.whl")
        summary = sync(workdir / "mirror", f"{proxy.url}/pypi/default/", "--include", "idna", "--include", "six",
                       expect_failure=True)
        assert [f["subject"] for f in summary["failures"]] == ["idna-3.10-py3-none-any.whl"]
        assert summary["failures"][0]["code"] == "digest-mismatch"
        held = content(workdir / "mirror")
        assert "idna-3.10-py3-none-any.whl" not in held and "idna-3.10.tar.gz" in held and len(held) == 4
        # The next sync (upstream healthy again) fetches the file it could not verify.
        proxy.corrupt.clear()
        healed = sync(workdir / "mirror", f"{proxy.url}/pypi/default/", "--include", "idna", "--include", "six")
        assert healed["files_added"] == 1 and healed["failures"] == []
        assert content(workdir / "mirror")["idna-3.10-py3-none-any.whl"]["sha256"] == checksums()["idna-3.10-py3-none-any.whl"]
    finally:
        proxy.close()


def test_500_and_429_then_recovery(primary, workdir):
    proxy = FaultProxy(primary.url)
    try:
        proxy.fail_first["/simple/certifi/"] = [500, 429]
        proxy.fail_first["/certifi-2024.8.30.tar.gz"] = [503]
        summary = sync(workdir / "mirror", f"{proxy.url}/pypi/default/", "--include", "certifi")
        assert summary["failures"] == [] and summary["files_added"] == 2
        assert summary["upstream_requests"] == 2 + 1 + 1 + 2  # the page ×3 (no listing: the include names it), files (one retried)
    finally:
        proxy.close()


def test_upstream_that_keeps_failing_is_reported(primary, workdir):
    proxy = FaultProxy(primary.url)
    try:
        proxy.down = True
        result = run(binary(), "sync", "--data-dir", workdir / "mirror", "--upstream", f"{proxy.url}/pypi/default/", "--json",
                     "--max-retries", "1", check=False)
        assert result.returncode != 0
        assert "failed 2 time(s)" in result.stderr and "/simple/" in result.stderr
    finally:
        proxy.close()


def test_killed_mid_sync_then_resumed_downloads_nothing_twice(primary, workdir):
    proxy = FaultProxy(primary.url)
    mirror_dir = workdir / "mirror"
    try:
        proxy.file_delay = 0.3
        process = subprocess.Popen([str(binary()), "sync", "--data-dir", str(mirror_dir), "--upstream", f"{proxy.url}/pypi/default/",
                                    "--json", "--download-concurrency", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        eventually(lambda: sum(1 for p in proxy.requests if p.endswith((".whl", ".tar.gz"))) >= 10, timeout=60)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        assert content(mirror_dir) == {}  # nothing half-synced is visible
        fetched_before = {p.rsplit("/", 1)[-1] for p in proxy.requests if p.endswith((".whl", ".tar.gz"))}
        proxy.file_delay = 0
        proxy.requests.clear()
        resumed = sync(mirror_dir, f"{proxy.url}/pypi/default/")
        assert resumed["failures"] == [] and resumed["files_added"] == 70
        assert {name: p["sha256"] for name, p in content(mirror_dir).items()} == checksums()
        fetched_again = {p.rsplit("/", 1)[-1] for p in proxy.requests if p.endswith((".whl", ".tar.gz"))}
        # Files verified and stored before the kill were not downloaded again (a file whose
        # download the kill interrupted is, and must be).
        assert len(fetched_again) < 70 and len(fetched_before - fetched_again) >= 6
    finally:
        proxy.close()


def test_mirrors_a_plain_index_served_by_pypiserver(workdir):
    packages = workdir / "packages"
    packages.mkdir()
    names = ["six-1.17.0-py2.py3-none-any.whl", "six-1.16.0.tar.gz", "idna-3.10-py3-none-any.whl"]
    for name in names:
        (packages / name).write_bytes((corpus_dir() / name).read_bytes())
    # Older sdist formats still on real indexes: their PKG-INFO is read like a .tar.gz's.
    import bz2, gzip, lzma
    tar = gzip.decompress((corpus_dir() / "six-1.16.0.tar.gz").read_bytes())
    older = {"six-1.16.0.tar.bz2": bz2.compress(tar), "six-1.16.0.tar.xz": lzma.compress(tar)}
    for name, data in older.items():
        (packages / name).write_bytes(data)
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([tool("pypi-server"), "run", "-p", str(port), "-i", "127.0.0.1", "-a", ".", "-P", ".",
                                str(packages)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/simple/", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        summary = sync(workdir / "mirror", f"http://127.0.0.1:{port}/simple/")
        assert summary["failures"] == [] and summary["files_added"] == 5
        mirrored = content(workdir / "mirror")
        assert {n: p["sha256"] for n, p in mirrored.items()} == {n: checksums()[n] for n in names} | {
            n: hashlib.sha256(data).hexdigest() for n, data in older.items()}
        assert mirrored["six-1.16.0.tar.gz"]["requires_python"]
        for name in older:
            assert mirrored[name]["requires_python"] == mirrored["six-1.16.0.tar.gz"]["requires_python"]
            assert mirrored[name]["version"] == "1.16.0" and mirrored[name]["packagetype"] == "sdist"
    finally:
        process.terminate()
        process.wait(10)


def test_dependency_closure_of_requests_for_cpython_311_on_linux(primary, workdir):
    summary = sync(workdir / "mirror", upstream_of(primary), "--include", "requests==2.32.3", "--with-dependencies",
                   "--target-python", "3.11", "--target-platform", "linux_x86_64")
    assert summary["failures"] == []
    projects = {p["name"].lower().replace("_", "-") for p in content(workdir / "mirror").values()}
    assert projects == {"requests", "urllib3", "idna", "certifi", "charset-normalizer"}
    # The releases the requirements allow, and no others (requests needs urllib3<3,>=1.21.1:
    # both corpus releases qualify; only requests 2.32.3 was asked for).
    held = set(content(workdir / "mirror"))
    assert "requests-2.31.0-py3-none-any.whl" not in held and "requests-2.32.3.tar.gz" in held
    assert {"urllib3-1.26.20-py2.py3-none-any.whl", "urllib3-2.2.3-py3-none-any.whl"} <= held
    # Without a Windows target, markers for Windows-only dependencies are not followed; the
    # metadata was read from PEP 658 files, not by downloading distributions twice.
    assert summary["bytes_downloaded"] == sum((corpus_dir() / name).stat().st_size for name in held)


def test_on_demand_records_now_and_fetches_once_on_first_request(primary, workdir):
    proxy = FaultProxy(primary.url)
    mirror_dir = workdir / "mirror"
    try:
        summary = sync(mirror_dir, f"{proxy.url}/pypi/default/", "--policy", "on_demand", "--include", "requests",
                       "--include", "urllib3", "--include", "idna", "--include", "certifi", "--include", "charset-normalizer")
        assert summary["failures"] == [] and summary["bytes_downloaded"] == 0 and summary["files_added"] == 17
        assert not any(p.endswith((".whl", ".tar.gz")) for p in proxy.requests)
        mirror = Server(mirror_dir)
        try:
            # Pages and PEP 658 metadata are served before any file was fetched.
            assert served_files(mirror.url) == {k: v for k, v in served_files(primary.url).items() if k in content(mirror_dir)}
            wheel = "urllib3-2.2.3-py3-none-any.whl"
            url = next(f["url"] for f in requests.get(f"{mirror.index()}urllib3/", headers=JSON_ACCEPT).json()["files"]
                       if f["filename"] == wheel)
            # The metadata file too is fetched from upstream on first request, verified, kept.
            metadata = requests.get(url + ".metadata")
            assert metadata.status_code == 200 and b"Name: urllib3" in metadata.content
            assert requests.get(url + ".metadata").content == metadata.content
            assert sum(1 for p in proxy.requests if p.endswith("/" + wheel + ".metadata")) == 1
            info = requests.get(f"{mirror.url}/pypi/default/pypi/urllib3/2.2.3/json").json()["info"]
            assert info["name"] == "urllib3" and info["requires_python"] == ">=3.8"
            # Before its metadata is fetched, a release's info has every Warehouse key (nulls).
            unread = requests.get(f"{mirror.url}/pypi/default/pypi/idna/3.10/json").json()["info"]
            assert unread["name"] == "idna" and "summary" in unread and unread["requires_dist"] is None
            # HEAD answers from what the sync recorded, without fetching the file.
            head = requests.head(url)
            assert head.status_code == 200 and int(head.headers["Content-Length"]) == (corpus_dir() / wheel).stat().st_size
            assert not any(p.endswith("/" + wheel) for p in proxy.requests)
            # Eight clients at once: one upstream fetch, eight identical answers.
            from concurrent.futures import ThreadPoolExecutor
            with ThreadPoolExecutor(8) as pool:
                bodies = list(pool.map(lambda _: requests.get(url).content, range(8)))
            assert {hashlib.sha256(b).hexdigest() for b in bodies} == {checksums()[wheel]}
            assert sum(1 for p in proxy.requests if p.endswith("/" + wheel)) == 1
            # pip installs through the mirror, which fetches what pip needs.
            run(tool("pip"), "install", "--no-cache-dir", "--disable-pip-version-check", "--index-url", mirror.index(),
                "--target", workdir / "site", "requests")
            assert (workdir / "site" / "requests" / "__init__.py").exists()
            # The upstream goes away: kept files are still served; a missing one is a 502
            # that names the upstream.
            proxy.down = True
            assert requests.get(url).status_code == 200
            missing = next(f["url"] for f in requests.get(f"{mirror.index()}certifi/", headers=JSON_ACCEPT).json()["files"]
                           if f["filename"] == "certifi-2024.8.30.tar.gz")
            answer = requests.get(missing)
            assert answer.status_code == 502 and proxy.url in answer.text
            # A corrupted byte upstream: refused, nothing kept; served once upstream is sound.
            proxy.down = False
            proxy.corrupt.add("certifi-2024.8.30.tar.gz")
            assert requests.get(missing).status_code == 502
            proxy.corrupt.clear()
            fetched = requests.get(missing)
            assert fetched.status_code == 200 and hashlib.sha256(fetched.content).hexdigest() == checksums()["certifi-2024.8.30.tar.gz"]
        finally:
            mirror.stop()
    finally:
        proxy.close()


def test_a_lagging_listing_is_read_again_and_never_applied(server, workdir):
    corpus = corpus_dir()
    change_upstream(server, "upload", str(corpus / "six-1.16.0-py2.py3-none-any.whl"))
    old_root = requests.get(server.index(), headers=JSON_ACCEPT).content
    change_upstream(server, "upload", str(corpus / "six-1.17.0-py2.py3-none-any.whl"))
    proxy = FaultProxy(server.url)
    upstream = f"{proxy.url}/pypi/default/"
    try:
        assert sync(workdir / "mirror", upstream)["files_added"] == 2
        mirror = Server(workdir / "mirror")
        try:
            # A cache serves a listing older than the one applied, twice, then catches up.
            change_upstream(server, "upload", str(corpus / "certifi-2024.8.30-py3-none-any.whl"))
            proxy.stale_root, proxy.stale_count = old_root, 2
            summary = sync(workdir / "mirror", upstream)
            assert summary["failures"] == [] and summary["files_added"] == 1 and proxy.stale_count == 0
            assert len(content(workdir / "mirror")) == 3
            # The running mirror server serves the new state without a restart.
            assert eventually(lambda: "certifi" in {p["name"] for p in requests.get(mirror.index(), headers=JSON_ACCEPT).json()["projects"]},
                              timeout=10), "the mirror server did not pick up the sync"
            # A listing that stays older than what was applied fails the sync; nothing changes.
            change_upstream(server, "upload", str(corpus / "urllib3-2.2.3-py3-none-any.whl"))
            proxy.stale_root, proxy.stale_count = old_root, 100
            result = run(binary(), "sync", "--data-dir", workdir / "mirror", "--upstream", upstream, "--json", "--max-retries", "1",
                         check=False)
            assert result.returncode != 0 and "older than serial" in result.stderr, result.stderr
            assert "urllib3-2.2.3-py3-none-any.whl" not in content(workdir / "mirror")
        finally:
            mirror.stop()
    finally:
        proxy.close()


def test_stored_remote_synced_by_name_and_on_a_schedule(primary, workdir):
    mirror_dir = workdir / "mirror"
    upstream = upstream_of(primary)
    # A password given as an argument would show in ps: refused, with where to put it instead.
    refused = run(binary(), "remote", "create", "capsule", "--data-dir", mirror_dir, "--upstream", upstream, "--password", "s3cret", check=False)
    assert refused.returncode != 0 and "WHEELHOUSE_UPSTREAM_PASSWORD" in refused.stderr
    (workdir / "password").write_text("s3cret\n")
    created = json.loads(run(binary(), "remote", "create", "capsule", "--data-dir", mirror_dir, "--json", "--upstream", upstream,
                             "--include", "six", "--password-file", workdir / "password", "--username", "mirror").stdout)
    assert created["name"] == "capsule" and json.loads(json.dumps(created["settings"]))["includes"] == ["six"]
    assert {f["name"]: f["is_set"] for f in created["hidden_fields"]} == {
        "client_key": False, "proxy_username": False, "proxy_password": False, "username": True, "password": True}
    assert "s3cret" not in json.dumps(created)
    proxied = json.loads(run(binary(), "remote", "create", "proxied", "--data-dir", mirror_dir, "--json", "--upstream", upstream,
                             "--proxy-url", "http://px:pxsecret@127.0.0.1:3128").stdout)
    assert proxied["settings"]["proxy_url"] == "http://127.0.0.1:3128" and "pxsecret" not in json.dumps(proxied)
    assert {f["name"]: f["is_set"] for f in proxied["hidden_fields"]}["proxy_password"] is True
    run(binary(), "remote", "delete", "proxied", "--data-dir", mirror_dir)
    # A sync by name that cannot reach its upstream says so, and the remote records the error.
    run(binary(), "remote", "create", "down", "--data-dir", mirror_dir, "--upstream", "http://127.0.0.1:9/simple/", "--max-retries", "0",
        "--timeout", "2")
    down = run(binary(), "sync", "--data-dir", mirror_dir, "--remote", "down", check=False)
    assert down.returncode != 0 and "127.0.0.1:9" in down.stderr
    recorded = json.loads(run(binary(), "remote", "show", "down", "--data-dir", mirror_dir).stdout)
    assert "127.0.0.1:9" in recorded["last_result"]["error"] and recorded["last_sync"]
    run(binary(), "remote", "delete", "down", "--data-dir", mirror_dir)
    bad = run(binary(), "remote", "create", "broken", "--data-dir", mirror_dir, "--upstream", upstream, "--include", "six>>1",
              check=False)
    assert bad.returncode != 0 and "not a PEP 508 requirement" in bad.stderr
    summary = json.loads(run(binary(), "sync", "--data-dir", mirror_dir, "--remote", "capsule", "--json").stdout.splitlines()[-1])
    assert summary["files_added"] == 3
    mixed = run(binary(), "sync", "--data-dir", mirror_dir, "--remote", "capsule", "--include", "idna", check=False)
    assert mixed.returncode != 0 and "--replace" in mixed.stderr
    shown = json.loads(run(binary(), "remote", "show", "capsule", "--data-dir", mirror_dir).stdout)
    assert shown["last_result"]["files_added"] == 3 and shown["last_sync"]

    # A remote with an interval is synced by the server process on its own.
    run(binary(), "remote", "create", "tools", "--data-dir", mirror_dir, "--upstream", upstream, "--include", "idna",
        "--sync-interval", "1s", "--additive")
    mirror = Server(mirror_dir)
    try:
        assert eventually(lambda: "idna-3.10.tar.gz" in content(mirror_dir), timeout=20, interval=0.2), "the scheduled sync did not run"
        assert requests.get(f"{mirror.index()}idna/").status_code == 200
    finally:
        mirror.stop()
    listed = json.loads(run(binary(), "remote", "list", "--data-dir", mirror_dir, "--json").stdout)
    assert [r["name"] for r in listed] == ["capsule", "tools"]
    assert next(r for r in listed if r["name"] == "tools")["last_result"]["failures"] == []
    run(binary(), "remote", "delete", "tools", "--data-dir", mirror_dir)
    assert "idna-3.10.tar.gz" in content(mirror_dir)


def test_cool_down_releases_files_as_time_passes(server, workdir):
    change_upstream(server, "upload", str(corpus_dir() / "six-1.17.0-py2.py3-none-any.whl"))
    held = sync(workdir / "mirror", upstream_of(server), "--min-age", "3s")
    assert held["files_added"] == 0 and held["failures"] == []
    time.sleep(3.2)
    # Nothing changed upstream; the file is old enough now.
    released = sync(workdir / "mirror", upstream_of(server), "--min-age", "3s")
    assert released["files_added"] == 1
    assert set(content(workdir / "mirror")) == {"six-1.17.0-py2.py3-none-any.whl"}


def test_streamed_passes_files_on_without_keeping_them(primary, workdir):
    proxy = FaultProxy(primary.url)
    mirror_dir = workdir / "mirror"
    try:
        summary = sync(mirror_dir, f"{proxy.url}/pypi/default/", "--policy", "streamed", "--include", "six==1.17.0")
        assert summary["files_added"] == 1 and summary["bytes_downloaded"] == 0
        mirror = Server(mirror_dir)
        try:
            wheel = "six-1.17.0-py2.py3-none-any.whl"
            url = requests.get(f"{mirror.index()}six/", headers=JSON_ACCEPT).json()["files"][0]["url"]
            head = requests.head(url)
            assert head.status_code == 200 and int(head.headers["Content-Length"]) == (corpus_dir() / wheel).stat().st_size
            assert not any(p.endswith("/" + wheel) for p in proxy.requests)  # HEAD fetches nothing
            for expected_fetches in (1, 2):
                answer = requests.get(url)
                assert answer.status_code == 200 and hashlib.sha256(answer.content).hexdigest() == checksums()[wheel]
                assert sum(1 for p in proxy.requests if p.endswith("/" + wheel)) == expected_fetches
            # Nothing was kept: not in the store, and no temporary file left behind.
            assert not list((mirror_dir / "artifacts").rglob(checksums()[wheel]))
            # The temporary file goes once the body is written.
            assert eventually(lambda: not list((mirror_dir / "tmp").iterdir())), "a streamed file's temporary copy was left behind"
            # A corrupted byte upstream: a 502, and nothing passed on.
            proxy.corrupt.add(wheel)
            assert requests.get(url).status_code == 502
        finally:
            mirror.stop()
    finally:
        proxy.close()


def test_immediate_after_on_demand_fetches_what_was_only_recorded(primary, workdir):
    mirror_dir = workdir / "mirror"
    lazy = sync(mirror_dir, upstream_of(primary), "--policy", "on_demand", "--include", "idna")
    assert lazy["files_added"] == 2 and lazy["bytes_downloaded"] == 0
    assert not list((mirror_dir / "artifacts").rglob(checksums()["idna-3.10.tar.gz"]))
    eager = sync(mirror_dir, upstream_of(primary), "--include", "idna")
    assert eager["failures"] == [] and eager["files_added"] == 0
    assert eager["bytes_downloaded"] == sum((corpus_dir() / n).stat().st_size for n in ["idna-3.10.tar.gz", "idna-3.10-py3-none-any.whl"])
    for name in ["idna-3.10.tar.gz", "idna-3.10-py3-none-any.whl"]:
        assert list((mirror_dir / "artifacts").rglob(checksums()[name]))


def test_metadata_learned_lazily_at_one_tier_reaches_the_next(workdir):
    """An origin with plain PEP 503 HTML (no sizes, no PEP 658 metadata), a regional tier that
    keeps files on demand, and an edge synced from it. When a client first fetches a file at
    the regional tier, it reads the file's METADATA: its JSON API fills in, its pages offer the
    metadata file, and the project's serial rises. The edge's next incremental sync reads that
    one page, learns the metadata hash, and fetches the metadata itself through the regional
    tier when asked: no full re-sync, no file download at the edge."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    wheel = "six-1.16.0-py2.py3-none-any.whl"
    static = workdir / "static"
    (static / "simple" / "six").mkdir(parents=True)
    (static / "files").mkdir()
    (static / "files" / wheel).write_bytes((corpus_dir() / wheel).read_bytes())
    (static / "simple" / "index.html").write_text('<html><body><a href="six/">six</a></body></html>\n')
    (static / "simple" / "six" / "index.html").write_text(
        f'<html><body><a href="../../files/{wheel}#sha256={checksums()[wheel]}">{wheel}</a></body></html>\n')
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(static))
    handler.log_message = lambda *args: None
    origin = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    regional = edge = None
    try:
        first = sync(workdir / "regional", f"http://127.0.0.1:{origin.server_address[1]}/simple/", "--policy", "on_demand")
        assert first["files_added"] == 1 and first["failures"] == []
        regional = Server(workdir / "regional")
        assert sync(workdir / "edge", upstream_of(regional), "--policy", "on_demand")["files_added"] == 1
        edge = Server(workdir / "edge")

        def entry(server: Server) -> dict:
            (found,) = requests.get(f"{server.index()}six/", headers=JSON_ACCEPT).json()["files"]
            return found

        assert entry(regional)["core-metadata"] is False and entry(edge)["core-metadata"] is False
        assert requests.get(f"{regional.url}/pypi/default/pypi/six/json").json()["info"]["summary"] is None

        # A client fetches the file at the regional tier: it learns what is inside.
        serial = int(requests.get(regional.index(), headers=JSON_ACCEPT).headers["X-PyPI-Last-Serial"])
        assert hashlib.sha256(requests.get(entry(regional)["url"]).content).hexdigest() == checksums()[wheel]
        learned = eventually(lambda: entry(regional)["core-metadata"], timeout=10)
        assert learned and learned["sha256"]
        assert eventually(lambda: requests.get(f"{regional.url}/pypi/default/pypi/six/json").json()["info"]["summary"]
                          == "Python 2 and 3 compatibility utilities", timeout=10)
        assert int(requests.get(regional.index(), headers=JSON_ACCEPT).headers["X-PyPI-Last-Serial"]) > serial

        # The edge's next sync reads the one page that changed and learns the hash.
        again = sync(workdir / "edge", upstream_of(regional), "--policy", "on_demand")
        assert again["files_added"] == 0 and again["failures"] == [] and again["bytes_downloaded"] == 0
        assert again["upstream_requests"] <= 3, again
        assert eventually(lambda: entry(edge)["core-metadata"] == learned, timeout=10)
        metadata = requests.get(entry(edge)["url"] + ".metadata")
        assert metadata.status_code == 200 and hashlib.sha256(metadata.content).hexdigest() == learned["sha256"]
        assert eventually(lambda: requests.get(f"{edge.url}/pypi/default/pypi/six/json").json()["info"]["summary"]
                          == "Python 2 and 3 compatibility utilities", timeout=10)
        assert sync(workdir / "edge", upstream_of(regional), "--policy", "on_demand")["upstream_requests"] <= 2
    finally:
        for server in (edge, regional):
            if server:
                server.stop()
        origin.shutdown()
