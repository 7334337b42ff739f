"""Project managers against the primary, unchanged: poetry locks, installs and publishes through
it; pipenv locks and installs. Each runs with its own configuration, cache and virtualenv under
the scenario's directory, so nothing from the machine's settings or PyPI takes part."""
from __future__ import annotations

import json
import os
import textwrap
import tomllib
from pathlib import Path

import requests

from conftest import BIN, Server, checksums, run, sha256, tool

REQUESTS_CLOSURE = {"requests": "2.32.3", "urllib3": "2.2.3", "idna": "3.10", "certifi": "2024.8.30",
                    "charset-normalizer": "3.4.0"}


def isolated_env(workdir: Path, **extra: str) -> dict[str, str]:
    """The environment a project manager runs in: its settings, caches and virtualenvs in
    `workdir`, pip's user configuration ignored, no virtualenv inherited from the test run."""
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    env.update(
        POETRY_CONFIG_DIR=str(workdir / "poetry-config"), POETRY_CACHE_DIR=str(workdir / "poetry-cache"),
        POETRY_DATA_DIR=str(workdir / "poetry-data"), POETRY_VIRTUALENVS_IN_PROJECT="true",
        PIPENV_CACHE_DIR=str(workdir / "pipenv-cache"), PIPENV_VENV_IN_PROJECT="1", PIPENV_IGNORE_VIRTUALENVS="1",
        PIPENV_NOSPIN="1", PIPENV_YES="1", PIP_CONFIG_FILE=os.devnull,
        VIRTUALENV_OVERRIDE_APP_DATA=str(workdir / "virtualenv-data"), NO_COLOR="1", **extra)
    return env


def poetry_project(directory: Path, index: str, body: str) -> Path:
    directory.mkdir(parents=True)
    (directory / "pyproject.toml").write_text(textwrap.dedent(body) + textwrap.dedent(f"""
        [[tool.poetry.source]]
        name = "wheelhouse"
        url = "{index}"
        priority = "primary"
        """))
    return directory


def test_poetry_locks_with_the_index_hashes_and_installs(primary, workdir):
    project = poetry_project(workdir / "app", primary.index(), """
        [project]
        name = "demo-app"
        version = "0.1.0"
        requires-python = ">=3.9"
        dependencies = []

        [tool.poetry]
        package-mode = false
        """)
    run(tool("poetry"), "add", "requests", cwd=project, env=isolated_env(workdir))

    lock = tomllib.loads((project / "poetry.lock").read_text())
    locked = {package["name"]: package for package in lock["package"]}
    assert {name: package["version"] for name, package in locked.items()} == REQUESTS_CLOSURE
    sums = checksums()
    for package in locked.values():
        assert package["files"], package["name"]
        for entry in package["files"]:
            assert entry["hash"] == f"sha256:{sums[entry['file']]}", entry
    installed = run(project / ".venv" / "bin" / "python", "-c", "import requests, urllib3; print(requests.__version__, urllib3.__version__)")
    assert installed.stdout.split() == ["2.32.3", "2.2.3"]


def test_poetry_publishes_and_skips_a_rebuilt_file_the_index_already_has(server, workdir):
    project = poetry_project(workdir / "lib", server.index(), """
        [project]
        name = "wh-poetry-demo"
        version = "0.1.0"
        description = "Built and published by poetry"
        requires-python = ">=3.9"

        [build-system]
        requires = ["poetry-core>=2.0"]
        build-backend = "poetry.core.masonry.api"
        """)
    (project / "src" / "wh_poetry_demo").mkdir(parents=True)
    module = project / "src" / "wh_poetry_demo" / "__init__.py"
    module.write_text('VALUE = "first"\n')
    env = isolated_env(workdir, POETRY_REPOSITORIES_WHEELHOUSE_URL=server.upload_url(),
                       POETRY_HTTP_BASIC_WHEELHOUSE_USERNAME="admin", POETRY_HTTP_BASIC_WHEELHOUSE_PASSWORD=Server.PASSWORD)
    run(tool("poetry"), "publish", "--build", "--repository", "wheelhouse", cwd=project, env=env)

    def served() -> dict[str, str]:
        page = requests.get(f"{server.index()}wh-poetry-demo/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}).json()
        return {entry["filename"]: entry["hashes"]["sha256"] for entry in page["files"]}

    first = {path.name: sha256(path) for path in (project / "dist").iterdir()}
    assert set(first) == {"wh_poetry_demo-0.1.0-py3-none-any.whl", "wh_poetry_demo-0.1.0.tar.gz"}
    assert served() == first

    # Other bytes under the same filenames: refused ("File already exists"), which poetry's
    # --skip-existing takes to mean the file is there; the index keeps the first upload.
    module.write_text('VALUE = "second"\n')
    run(tool("poetry"), "build", "--clean", cwd=project, env=env)
    assert {path.name: sha256(path) for path in (project / "dist").iterdir()} != first
    refused = run(tool("poetry"), "publish", "--repository", "wheelhouse", cwd=project, env=env, check=False)
    assert refused.returncode != 0 and "File already exists" in refused.stdout + refused.stderr, refused
    skipped = run(tool("poetry"), "publish", "--repository", "wheelhouse", "--skip-existing", cwd=project, env=env)
    assert skipped.stderr.count("File exists. Skipping") == 2, skipped
    assert served() == first


def test_pipenv_locks_with_the_index_hashes_and_installs(primary, workdir):
    project = workdir / "app"
    project.mkdir()
    (project / "Pipfile").write_text(textwrap.dedent(f"""
        [[source]]
        url = "{primary.index()}"
        verify_ssl = false
        name = "wheelhouse"

        [packages]
        requests = "*"
        python-dateutil = "*"
        """))
    run(tool("pipenv"), "install", "--python", BIN / "python", cwd=project, env=isolated_env(workdir))

    lock = json.loads((project / "Pipfile.lock").read_text())
    assert [source["url"] for source in lock["_meta"]["sources"]] == [primary.index()]
    versions = {name: entry["version"] for name, entry in lock["default"].items()}
    assert versions == {**{name: f"=={version}" for name, version in REQUESTS_CLOSURE.items()},
                        "python-dateutil": "==2.9.0.post0", "six": "==1.17.0"}
    sums = checksums()
    assert set(lock["default"]["requests"]["hashes"]) == {
        f"sha256:{sums['requests-2.32.3-py3-none-any.whl']}", f"sha256:{sums['requests-2.32.3.tar.gz']}"}
    corpus_hashes = {f"sha256:{digest}" for digest in sums.values()}
    for name, entry in lock["default"].items():
        assert entry["hashes"] and set(entry["hashes"]) <= corpus_hashes, name
    installed = run(tool("pipenv"), "run", "python", "-c", "import requests, dateutil; print(requests.__version__, dateutil.__version__)",
                    cwd=project, env=isolated_env(workdir))
    assert installed.stdout.split() == ["2.32.3", "2.9.0.post0"]
