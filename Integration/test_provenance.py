"""PEP 740 provenance end to end, with real attestations: signed through Sigstore for PyPI
Trusted Publishers (GitHub, GitLab, Google Cloud Build), taken from the test assets of the
pypi-attestations sdist on PyPI, and checked with pypi-attestations itself (offline, with
sigstore's embedded trust root). twine --attestations uploads them; Wheelhouse serves them
on the PEP 691 and HTML pages and by the Integrity API; mirrors (immediate and on demand)
carry them byte for byte, and what every tier serves still verifies."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import requests
from pypi_attestations import Attestation, Distribution
from sigstore.verify.policy import UnsafeNoOp

from conftest import Server, add_provenance, binary, run, tool, twine_upload

JSON_ACCEPT = {"Accept": "application/vnd.pypi.simple.v1+json"}
def verify(document: bytes, dist: Path, staging: bool = False) -> int:
    """Verifies every attestation of a provenance object against the file, as a client would
    (signature, certificate chain and transparency log; any identity): how many there were."""
    provenance = json.loads(document)
    assert provenance["version"] == 1
    count = 0
    for bundle in provenance["attestation_bundles"]:
        for attestation in bundle["attestations"]:
            Attestation.model_validate(attestation).verify(UnsafeNoOp(), Distribution.from_file(dist), offline=True, staging=staging)
            count += 1
    return count


def provenance_of(server: Server, project: str, filename: str) -> requests.Response:
    page = requests.get(f"{server.index()}{project}/", headers=JSON_ACCEPT)
    page.raise_for_status()
    (entry,) = [f for f in page.json()["files"] if f["filename"] == filename]
    assert entry["provenance"], f"no provenance URL for {filename}"
    html = requests.get(f"{server.index()}{project}/", headers={"Accept": "text/html"}).text
    assert f'data-provenance="{entry["provenance"]}"' in html
    response = requests.get(entry["provenance"])
    response.raise_for_status()
    assert response.headers["Content-Type"] == "application/vnd.pypi.integrity.v1+json"
    return response


def sync(data_dir: Path, upstream: Server, *args: str) -> dict:
    result = run(binary(), "sync", "--data-dir", data_dir, "--upstream", f"{upstream.url}/pypi/default/", "--json", *args)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_twine_attestations_are_served_and_carried_by_mirrors_verifiable(server, workdir, attestation_assets):
    assets = attestation_assets
    wheel = assets / "rfc8785-0.1.2-py3-none-any.whl"
    attestation = assets / "rfc8785-0.1.2-py3-none-any.whl.publish.attestation"
    twine_upload(server, wheel, attestation, extra=("--attestations",))

    served = provenance_of(server, "rfc8785", wheel.name)
    document = served.json()
    (bundle,) = document["attestation_bundles"]
    assert bundle["publisher"] == {"kind": "Wheelhouse user", "username": "admin"}
    assert bundle["attestations"] == [json.loads(attestation.read_bytes())]
    assert verify(served.content, wheel, staging=True) == 1

    run(tool("pip"), "download", "--quiet", "--no-deps", "--disable-pip-version-check", "--index-url", server.index(),
        "-d", workdir / "got", "rfc8785==0.1.2")
    assert (workdir / "got" / wheel.name).read_bytes() == wheel.read_bytes()

    for policy in ("immediate", "on_demand"):
        mirror_dir = workdir / f"mirror-{policy}"
        report = sync(mirror_dir, server, "--policy", policy)
        assert report["failures"] == [] and report["files_added"] == 1
        mirror = Server(mirror_dir)
        try:
            carried = provenance_of(mirror, "rfc8785", wheel.name)
            assert carried.content == served.content
            assert verify(carried.content, wheel, staging=True) == 1
        finally:
            mirror.stop()


def test_attestations_about_other_bytes_are_refused_and_nothing_is_stored(server, workdir, attestation_assets):
    assets = attestation_assets
    sdist = workdir / "gitlab_oidc_project-0.0.3.tar.gz"
    shutil.copy(assets / sdist.name, sdist)
    # A real attestation, for another file, under the name twine pairs with the sdist.
    shutil.copy(assets / "rfc8785-0.1.2-py3-none-any.whl.publish.attestation", workdir / f"{sdist.name}.publish.attestation")
    refused = twine_upload(server, sdist, workdir / f"{sdist.name}.publish.attestation", extra=("--attestations",), check=False)
    assert refused.returncode != 0
    said = " ".join((refused.stdout + refused.stderr).split())
    assert "Invalid attestations supplied during upload" in said
    assert "an attestation is for a file with sha256 c4e92e9ecc828bef" in said
    assert requests.get(f"{server.index()}gitlab-oidc-project/", headers=JSON_ACCEPT).status_code == 404

    # The right one is accepted, and verifies where it is served.
    shutil.copy(assets / f"{sdist.name}.publish.attestation", workdir / f"{sdist.name}.publish.attestation")
    twine_upload(server, sdist, workdir / f"{sdist.name}.publish.attestation", extra=("--attestations",))
    assert verify(provenance_of(server, "gitlab-oidc-project", sdist.name).content, sdist) == 1


def test_a_pypi_provenance_added_through_the_api_is_kept_byte_for_byte(server, workdir, attestation_assets):
    """PyPI's own provenance object (a Trusted Publisher's bundle), given to the management API
    as pulp-cli's `content --type provenance create` sends it, then mirrored."""
    assets = attestation_assets
    sdist = assets / "pypi_attestations-0.0.19.tar.gz"
    original = (assets / "pypi_attestations-0.0.19.tar.gz.provenance").read_bytes()
    api = f"{server.url}/pulp/api/v3/"
    auth = ("admin", Server.PASSWORD)
    package = add_provenance(server, sdist, original, to_repository=False)
    listed = requests.get(f"{api}content/python/provenance/", params={"package": package}, auth=auth).json()
    assert listed["count"] == 1 and listed["results"][0]["provenance"] == json.loads(original)

    # Served once the package is in the distribution's repository.
    add_provenance(server, sdist, original, to_repository=True)
    served = provenance_of(server, "pypi-attestations", sdist.name)
    assert served.content == original
    assert verify(served.content, sdist) == 1

    report = sync(workdir / "mirror", server)
    assert report["failures"] == []
    mirror = Server(workdir / "mirror")
    try:
        assert provenance_of(mirror, "pypi-attestations", sdist.name).content == original
    finally:
        mirror.stop()
