"""Run by `Integration/bench/replicate`. Prints one table: each tier's full and no-change run
(wall seconds, requests the upstream answered, peak RSS of the `wheelhouse replicate`
process), pulpcore's replicate of the same distributions (wall seconds from the request to the
end of its task group; requests counted at the central server), and the floor: every file of
every distribution fetched over loopback, 8 at a time. Then a second table: the management
API's list endpoints under wrk (32 connections, signed in), on the central Wheelhouse and on
pulpcore holding the same distributions."""
from __future__ import annotations

import argparse
import base64
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pulp.pulp_client import PulpClient  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_driver import wrk  # noqa: E402

API_LISTS = ["distributions/python/pypi/?limit=100", "repositories/python/python/?limit=100", "content/python/packages/?limit=100",
             "tasks/?limit=100"]

PASSWORD = "bench-secret"


class Server:
    def __init__(self, binary: str, data: Path):
        env = dict(os.environ, WHEELHOUSE_ADMIN_PASSWORD=PASSWORD, LOG_LEVEL="error")
        self.process = subprocess.Popen([binary, "serve", "--data-dir", str(data), "--bind", "127.0.0.1:0"], stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True, env=env)
        while True:
            line = self.process.stdout.readline()
            match = re.search(r"Index:\s+http://127\.0\.0\.1:(\d+)/", line)
            if match:
                self.url = f"http://127.0.0.1:{match.group(1)}"
                break
            if not line:
                raise SystemExit("a server did not start")
        self.session = requests.Session()
        self.session.auth = ("admin", PASSWORD)

    def api(self, path: str) -> str:
        return f"{self.url}/pulp/api/v3/{path}"

    def wait(self, href: str) -> dict:
        while True:
            task = self.session.get(self.url + href).json()
            if task["state"] in ("completed", "failed", "canceled"):
                assert task["state"] == "completed", task
                return task
            time.sleep(0.02)

    def requests_answered(self) -> int:
        text = requests.get(self.url + "/metrics", timeout=30).text
        return sum(int(float(line.rsplit(" ", 1)[1])) for line in text.splitlines() if line.startswith("wheelhouse_http_requests_total{"))

    def stop(self):
        self.process.terminate()
        self.process.wait(30)


def replicate(binary: str, data: Path, upstream: Server) -> dict:
    password = data.parent / "password"
    password.write_text(PASSWORD)
    before = upstream.requests_answered()
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", binary, "replicate", "--data-dir", str(data), "--upstream", upstream.url,
                             "--username", "admin", "--password-file", str(password), "--select", "bench=yes", "--json"],
                            capture_output=True, text=True, env=dict(os.environ, LOG_LEVEL="error"))
    seconds = time.perf_counter() - started
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert result.returncode == 0 and summary["switched"], result.stdout[-2000:] + result.stderr[-2000:]
    return {"seconds": seconds, "requests": upstream.requests_answered() - before - 1, "rss_mib": int(result.stderr.strip().splitlines()[-1]) / 1024,
            "synced": len(summary["synced"]), "bytes": sum(s["bytes_downloaded"] for s in summary["synced"])}


def main():
    parser = argparse.ArgumentParser()
    for name in ("binary", "corpus", "work", "pulp-api"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--distributions", type=int, default=20)
    parser.add_argument("--api-seconds", type=int, default=10)
    args = parser.parse_args()
    work = Path(args.work)
    central = Server(args.binary, work / "central")
    files = sorted(str(p) for p in Path(args.corpus).iterdir() if p.name.endswith((".whl", ".tar.gz", ".zip", ".tar.bz2")))
    subprocess.run([args.binary, "upload", "--data-dir", str(work / "central"), *files], check=True, capture_output=True)
    default = central.session.get(central.api("repositories/python/python/"), params={"name": "default"}).json()["results"][0]
    content = central.session.get(central.api("content/python/packages/"), params={"repository_version": default["latest_version_href"],
                                                                                    "limit": 1000}).json()["results"]
    hrefs = [c["pulp_href"] for c in content]
    for index in range(args.distributions):
        name = f"bench-{index:02d}"
        repository = central.session.post(central.api("repositories/python/python/"), json={"name": name}).json()
        central.wait(central.session.post(central.url + repository["pulp_href"] + "modify/", json={"add_content_units": hrefs}).json()["task"])
        central.wait(central.session.post(central.api("distributions/python/pypi/"), json={
            "name": name, "base_path": name, "repository": repository["pulp_href"], "pulp_labels": {"bench": "yes"}}).json()["task"])

    # The floor: every file of every distribution, fetched over loopback 8 at a time.
    urls = []
    for index in range(args.distributions):
        base = f"{central.url}/pypi/bench-{index:02d}/simple/"
        accept = {"Accept": "application/vnd.pypi.simple.v1+json"}
        for project in requests.get(base, headers=accept, timeout=60).json()["projects"]:
            urls += [f["url"] for f in requests.get(base + project["name"] + "/", headers=accept, timeout=60).json()["files"]]
    session = requests.Session()
    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        copied = sum(pool.map(lambda url: len(session.get(url, timeout=60).content), urls))
    floor = time.perf_counter() - started

    rows = []
    regional_full = replicate(args.binary, work / "regional", central)
    regional_quiet = replicate(args.binary, work / "regional", central)
    regional = Server(args.binary, work / "regional")
    edge_full = replicate(args.binary, work / "edge", regional)
    edge_quiet = replicate(args.binary, work / "edge", regional)
    rows += [("Wheelhouse regional ← central, first run", regional_full), ("Wheelhouse regional ← central, no change", regional_quiet),
             ("Wheelhouse edge ← regional, first run", edge_full), ("Wheelhouse edge ← regional, no change", edge_quiet)]

    pulp = PulpClient(args.pulp_api)
    pulp.tidy()
    upstream = pulp.post("upstream-pulps/", json={"name": "bench-central", "base_url": central.url, "api_root": "/pulp/", "username": "admin",
                                                   "password": PASSWORD, "policy": "nodelete", "q_select": 'pulp_label_select="bench=yes"'})
    for label in ("first run", "no change"):
        before = central.requests_answered()
        started = time.perf_counter()
        group = pulp.post(upstream["pulp_href"] + "replicate/", json={})["task_group"]
        while True:
            state = pulp.get(group)
            if state["waiting"] + state["running"] + state["canceling"] == 0 and state["completed"] + state["failed"] > 0:
                break
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        assert state["failed"] == 0, state
        rows.append((f"pulpcore ← central Wheelhouse, {label}", {"seconds": seconds, "requests": central.requests_answered() - before - 1,
                                                                  "rss_mib": None, "synced": None, "bytes": None}))
    # The API's lists, with pulpcore holding the same 20 distributions (its replicas).
    lists = []
    for path in API_LISTS:
        mine = wrk(central.api(path), args.api_seconds, 32, None, (f"Authorization: Basic {basic('admin', PASSWORD)}",))
        # pulpcore answers some of these in seconds at this load: measured, not timed out.
        theirs = wrk(pulp.url(path), args.api_seconds, 32, None, (f"Authorization: Basic {basic(*pulp.session.auth)}",), timeout=60)
        lists.append((path, mine, theirs))
    pulp.tidy()
    regional.stop()
    central.stop()

    print(f"{args.distributions} distributions × the {len(files)}-file corpus ({copied / 2**20:.1f} MiB per copy of every file) replicated; "
          f"wall seconds, requests answered by the upstream, peak RSS of the replicating process")
    print(f"{'':48} {'seconds':>8} {'requests':>9} {'RSS MiB':>8}")
    print(f"{'floor: every file over loopback, 8 at a time':48} {floor:8.3f} {len(urls):9d}")
    for label, row in rows:
        rss = f"{row['rss_mib']:8.1f}" if row["rss_mib"] is not None else f"{'-':>8}"
        print(f"{label:48} {row['seconds']:8.3f} {row['requests']:9d} {rss}")
    print()
    print(f"management API lists, wrk {args.api_seconds} s, 32 connections, signed in: requests/s and p99 ms")
    print(f"{'':42} {'Wheelhouse':>11} {'p99':>7} {'pulpcore':>9} {'p99':>8} {'ratio':>7}")
    for path, mine, theirs in lists:
        cells = [f"{mine[0]:11.0f} {mine[1]:7.2f}" if mine else f"{'errors':>19}", f"{theirs[0]:9.1f} {theirs[1]:8.0f}" if theirs else f"{'errors':>18}"]
        ratio = f"{mine[0] / theirs[0]:6.1f}x" if mine and theirs and theirs[0] else ""
        print(f"{path:42} {cells[0]} {cells[1]} {ratio:>7}")


def basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


if __name__ == "__main__":
    main()
