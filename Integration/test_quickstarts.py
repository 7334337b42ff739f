"""docs/quickstarts.md, run as written: every `sh` block, in order, in one bash session, against
a Wheelhouse started here (the centre of the capsule walkthrough), another with the corpus (the
remote the sync workflow reads) and a capsule; pulp-cli is the one the Pulp harness installs. A
command that fails stops the run and fails the test, naming it."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from conftest import ROOT, Server, binary, corpus_dir

HARNESS = ROOT / "Integration" / "pulp" / "harness"
FILES = ["six-1.16.0-py2.py3-none-any.whl", "idna-3.10-py3-none-any.whl"]


def blocks(document: Path) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", document.read_text(), flags=re.S | re.M)


def test_quick_starts_run_as_written(primary, workdir):
    result = subprocess.run([str(HARNESS), "setup"], capture_output=True, text=True)
    assert result.returncode == 0, f"harness setup failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    pulp_cli = Path(os.environ.get("WHEELHOUSE_PULP_DIR", "/tmp/wheelhouse-pulp")) / "cli" / "bin" / "pulp"
    steps = blocks(ROOT / "docs" / "quickstarts.md")
    assert len(steps) == 8, "the quick starts changed: check this test still runs them all"

    here = workdir / "cwd"
    here.mkdir()
    for name in FILES:
        shutil.copy(corpus_dir() / name, here / name)
    # The shell's pip and python: a fresh venv, so that `pip install` installs there.
    subprocess.run([sys.executable, "-m", "venv", str(workdir / "venv")], check=True)
    tools = workdir / "bin"
    tools.mkdir()
    (tools / "wheelhouse").symlink_to(binary())

    centre = Server(workdir / "centre")
    capsule = Server(workdir / "capsule")
    try:
        env = dict(
            os.environ, WH=centre.url, PULP_CLI=str(pulp_cli), WHEELHOUSE_ADMIN_PASSWORD=Server.PASSWORD, CENTRE=primary.url,
            CAPSULE=capsule.url, CAPSULE_DATA=str(capsule.data_dir), XDG_CACHE_HOME=str(workdir / "cache"),
            PATH=f"{workdir / 'venv' / 'bin'}:{tools}:{os.environ['PATH']}", PIP_DISABLE_PIP_VERSION_CHECK="1")
        script = "set -euo pipefail\nset -x\n" + "\n".join(steps)
        run = subprocess.run(["bash", "-c", script], cwd=here, env=env, capture_output=True, text=True, timeout=900)
        assert run.returncode == 0, f"a quick-start step failed (exit {run.returncode}):\n{run.stderr[-6000:]}"

        # What the sequences claim, checked from outside.
        assert list((workdir / "venv" / "lib").glob("python3*/site-packages/six.py")), "pip install six did not install it"
        # idna from the team distribution; six from the mirror of the centre (its newest).
        assert sorted(p.name for p in (here / "downloads").iterdir()) == ["idna-3.10-py3-none-any.whl", "six-1.17.0-py2.py3-none-any.whl"]
        assert sorted(p.name for p in (here / "capsule-downloads").iterdir()) == sorted(FILES)
        team = requests.get(f"{capsule.url}/pypi/team/simple/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}).json()
        assert sorted(p["name"] for p in team["projects"]) == ["idna", "six"]
    finally:
        centre.stop()
        capsule.stop()
