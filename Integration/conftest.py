"""Fixtures for Wheelhouse's integration scenarios: the built binary, the shared corpus, and
servers started on fresh data directories."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def binary() -> Path:
    path = Path(os.environ.get("WHEELHOUSE_BINARY", ROOT / ".build" / "debug" / "wheelhouse"))
    if not path.exists():
        pytest.fail(f"no wheelhouse binary at {path}: run `swift build` first or set WHEELHOUSE_BINARY")
    return path


def corpus_dir() -> Path:
    for candidate in [os.environ.get("WHEELHOUSE_CORPUS"), ROOT.parent / "shared" / "corpus", "/work/shared/corpus"]:
        if candidate and (Path(candidate) / "SHA256SUMS").exists():
            return Path(candidate)
    pytest.fail("the shared corpus was not found: set WHEELHOUSE_CORPUS")


def checksums() -> dict[str, str]:
    lines = (corpus_dir() / "SHA256SUMS").read_text().splitlines()
    return {name: digest for digest, name in (line.split() for line in lines)}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tool(name: str) -> str:
    """A client installed beside this Python (pip, uv, twine, bandersnatch, …)."""
    return str(BIN / name)


def run(*args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result


class Server:
    """`wheelhouse serve` on a data directory, on a port of its choosing."""

    PASSWORD = "integration-secret"

    def __init__(self, data_dir: Path, extra_env: dict[str, str] | None = None):
        self.data_dir = data_dir
        self.log = data_dir.parent / (data_dir.name + ".log")
        env = dict(os.environ, WHEELHOUSE_ADMIN_PASSWORD=self.PASSWORD, **(extra_env or {}))
        self.handle = self.log.open("w")
        self.process = subprocess.Popen(
            [str(binary()), "serve", "--data-dir", str(data_dir), "--bind", "127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=self.handle, text=True, env=env)
        deadline = time.monotonic() + 30
        self.port = None
        while time.monotonic() < deadline and self.port is None:
            line = self.process.stdout.readline()
            if not line:
                break
            match = re.search(r"Index:\s+http://127\.0\.0\.1:(\d+)/", line)
            if match:
                self.port = int(match.group(1))
        if self.port is None:
            self.stop()
            raise AssertionError(f"the server did not start: {self.log.read_text()}")
        self.url = f"http://127.0.0.1:{self.port}"

    def index(self, base: str = "default") -> str:
        return f"{self.url}/pypi/{base}/simple/"

    def upload_url(self, base: str = "default") -> str:
        return f"{self.url}/pypi/{base}/legacy/"

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return run(binary(), *args, "--data-dir", self.data_dir)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.handle.close()


def eventually(check, timeout: float = 5.0, interval: float = 0.05):
    """Polls `check` until it is truthy or `timeout` passes; its last answer. Servers notice
    other processes' changes within a poll interval, and background work takes a moment."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)


@pytest.fixture
def workdir():
    path = Path(tempfile.mkdtemp(prefix="wheelhouse-it-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def server(workdir):
    started = Server(workdir / "data")
    yield started
    started.stop()


@pytest.fixture(scope="session")
def primary(tmp_path_factory):
    """One server with the whole corpus uploaded, shared by the scenarios that only read it."""
    started = Server(tmp_path_factory.mktemp("primary") / "data")
    accepted, refused = upload_corpus(started)
    started.accepted, started.refused = accepted, refused
    yield started
    started.stop()


def twine_upload(server: Server, *files: Path, extra: tuple[str, ...] = (), check: bool = True) -> subprocess.CompletedProcess:
    return run(tool("twine"), "upload", "--disable-progress-bar", "--non-interactive", "--repository-url", server.upload_url(),
               "-u", "admin", "-p", Server.PASSWORD, *extra, *map(str, files), check=check)


def read_metadata(path: Path) -> dict:
    """The raw core metadata of a wheel or `.tar.gz` sdist, as packaging parses it."""
    from packaging.metadata import parse_email

    if path.name.endswith(".whl"):
        import zipfile
        with zipfile.ZipFile(path) as archive:
            name = next(n for n in archive.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
            return parse_email(archive.read(name))[0]
    import tarfile
    with tarfile.open(path) as archive:
        member = next(m for m in archive.getmembers() if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO"))
        return parse_email(archive.extractfile(member).read())[0]


def twine_form(path: Path) -> list[tuple[str, object]]:
    """The form fields twine sends for a file, built without twine's client-side metadata
    validation (which refuses Metadata 2.3 files that carry License-Expression)."""
    from twine import package as twine_package
    from twine.repository import Repository

    raw = read_metadata(path)
    filetype, pyversion = ("bdist_wheel", path.name.split("-")[-3]) if path.name.endswith(".whl") else ("sdist", "source")
    data = {field: raw[key] for key, field in twine_package._RAW_TO_PACKAGE_METADATA.items() if key in raw}
    data.update(pyversion=pyversion, filetype=filetype, sha256_digest=sha256(path),
                blake2_256_digest=hashlib.blake2b(path.read_bytes(), digest_size=32).hexdigest())
    fields = Repository._convert_metadata_to_list_of_tuples(data)
    return fields + [(":action", "file_upload"), ("protocol_version", "1")]


def post_like_twine(server: Server, path: Path) -> requests.Response:
    from requests_toolbelt import MultipartEncoder

    with path.open("rb") as handle:
        encoder = MultipartEncoder(twine_form(path) + [("content", (path.name, handle, "application/octet-stream"))])
        return requests.post(server.upload_url(), data=encoder, headers={"Content-Type": encoder.content_type},
                             auth=("admin", Server.PASSWORD), timeout=60)


def twine_refuses(path: Path) -> bool:
    from twine.package import PackageFile
    try:
        PackageFile.from_filename(str(path), comment=None)
        return False
    except Exception:
        return True


def upload_corpus(server: Server) -> tuple[list[Path], list[Path]]:
    """Uploads every corpus file: with twine where twine accepts it, else with twine's fields."""
    files = sorted(p for p in corpus_dir().iterdir() if p.name != "SHA256SUMS" and p.suffix != ".md")
    refused = [p for p in files if twine_refuses(p)]
    accepted = [p for p in files if p not in refused]
    twine_upload(server, *accepted)
    for path in refused:
        response = post_like_twine(server, path)
        assert response.status_code == 200, f"{path.name}: {response.status_code} {response.text}"
    return accepted, refused


@pytest.fixture(scope="session")
def attestation_assets(tmp_path_factory) -> Path:
    """Real PEP 740 attestations and provenance (Sigstore-signed for PyPI Trusted Publishers)
    beside the distributions they are about: the test assets of the pypi-attestations sdist
    on PyPI."""
    where = tmp_path_factory.mktemp("attestations")
    run(tool("pip"), "download", "--quiet", "--no-deps", "--no-binary", ":all:", "--disable-pip-version-check", "-d", where,
        "pypi-attestations==0.0.31")
    (sdist,) = where.glob("pypi_attestations-*.tar.gz")
    out = where / "assets"
    out.mkdir()
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            if member.isfile() and "/test/assets/" in member.name:
                (out / Path(member.name).name).write_bytes(archive.extractfile(member).read())
    return out


def add_provenance(server: Server, dist: Path, provenance: bytes, to_repository: bool) -> str:
    """Creates (or finds) the package for `dist` and gives it `provenance` through the
    management API, as pulp-cli's `content upload` and `content --type provenance create` do;
    with `to_repository`, adds it to the `default` repository. The package's href."""
    api = f"{server.url}/pulp/api/v3/"
    auth = ("admin", Server.PASSWORD)

    def finished(response: requests.Response) -> dict:
        assert response.status_code == 202, response.text
        for _ in range(400):
            task = requests.get(server.url + response.json()["task"], auth=auth).json()
            if task["state"] in ("completed", "failed", "canceled"):
                return task
            time.sleep(0.025)
        raise AssertionError("the task did not finish")

    created = finished(requests.post(f"{api}content/python/packages/", auth=auth, files={"file": (dist.name, dist.read_bytes())},
                                     data={"relative_path": dist.name}))
    assert created["state"] == "completed", created
    package = next(href for href in created["created_resources"] if "/content/python/packages/" in href)
    if not requests.get(server.url + package, auth=auth).json()["provenance"]:
        task = finished(requests.post(f"{api}content/python/provenance/", auth=auth, files={"file": ("provenance.json", provenance)},
                                      data={"package": package}))
        assert task["state"] == "completed", task
    if to_repository:
        repository = requests.get(f"{api}repositories/python/python/", params={"name": "default"}, auth=auth).json()["results"][0]
        task = finished(requests.post(f"{server.url}{repository['pulp_href']}modify/", auth=auth, json={"add_content_units": [package]}))
        assert task["state"] == "completed", task
    return package
