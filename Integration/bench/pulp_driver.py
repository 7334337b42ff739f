"""Run by `Integration/bench/pulp`: the corpus uploaded to Pulp A and published; then, each
round from empty, Wheelhouse syncs it (from Pulp's documented /pypi/BASE/ URL, and from the
content app) and Pulp B syncs it (a fresh repository and remote, immediate policy, orphans
cleaned up after so that the next round downloads again). Wall seconds from the command's
start (Wheelhouse) or the sync request (Pulp) to the end, best of the rounds."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pulp.pulp_client import PulpClient  # noqa: E402


def wheelhouse_sync(binary: str, data: Path, upstream: str) -> float:
    shutil.rmtree(data, ignore_errors=True)
    started = time.perf_counter()
    result = subprocess.run([binary, "sync", "--data-dir", str(data), "--upstream", upstream, "--json"], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert result.returncode == 0 and summary["files_added"] == 70, result.stdout[-2000:] + result.stderr[-2000:]
    return seconds


def pulp_sync(pulp: PulpClient, upstream: str) -> float:
    repo = pulp.create_repository("bench")
    remote = pulp.post("remotes/python/python/", json={"name": "bench", "url": upstream, "policy": "immediate"})
    started = time.perf_counter()
    pulp.wait_task(pulp.post(repo["pulp_href"] + "sync/", json={"remote": remote["pulp_href"]}))
    seconds = time.perf_counter() - started
    count = len(pulp.packages(pulp.latest_version(repo)))
    assert count == 70, f"Pulp synced {count} packages"
    pulp.tidy()
    return seconds


def main():
    parser = argparse.ArgumentParser()
    for name in ("binary", "corpus", "work", "a-api", "a-content", "b-api", "b-content"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ["LOG_LEVEL"] = "error"
    a = PulpClient(args.a_api, content_url=args.a_content)
    b = PulpClient(args.b_api, content_url=args.b_content)
    a.tidy()
    b.tidy()
    repo = a.create_repository("corpus")
    files = sorted(p for p in Path(args.corpus).iterdir() if p.name.endswith((".whl", ".tar.gz")))
    for path in files:
        a.upload(repo, path)
    a.create_distribution("corpus", publication=a.publish(repo))
    work = Path(args.work)
    api, content = a.pypi_url("corpus"), a.content_url("corpus")
    results: dict[str, list[float]] = {"wh-api": [], "wh-content": [], "pulp": []}
    for _ in range(args.rounds):
        results["wh-api"].append(wheelhouse_sync(args.binary, work / "wh", api))
        results["wh-content"].append(wheelhouse_sync(args.binary, work / "wh", content))
        results["pulp"].append(pulp_sync(b, api))
    best = {name: min(values) for name, values in results.items()}
    print(f"The {len(files)}-file corpus synced from a real pulp_python 3.36 (published distribution), wall seconds, best of {args.rounds}")
    print(f"{'':44} {'seconds':>8} {'vs Pulp':>8}")
    print(f"{'Pulp B syncing Pulp A (/pypi/corpus/)':44} {best['pulp']:8.3f}")
    print(f"{'Wheelhouse from /pypi/corpus/ (redirects)':44} {best['wh-api']:8.3f} {best['wh-api'] / best['pulp']:7.2f}x")
    print(f"{'Wheelhouse from the content app':44} {best['wh-content']:8.3f} {best['wh-content'] / best['pulp']:7.2f}x")
    print(f"  (all rounds: {json.dumps(results)})")


if __name__ == "__main__":
    main()
