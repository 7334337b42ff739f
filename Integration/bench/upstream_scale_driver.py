"""Run by `Integration/bench/upstream_scale`: a PyPI-sized synthetic upstream, read by
Wheelhouse and by peers on the same machine in the same run.

1. The listing read and planned: `wheelhouse sync --dry-run` (reads the listing and decides
   which project pages a first mirror would read, reading none) beside pypi-simple's
   `get_index_page()` (downloads and parses the same listing), HTML-only and JSON; wall
   seconds and peak RSS, best of the rounds.
2. A no-change re-sync of 20 named projects from an upstream with no changes journal:
   requests, bytes the upstream sent and wall seconds, beside bandersnatch mirroring the same
   20 projects (its allowlist, metadata only) and running again.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def measured_rss(command: list) -> tuple[float, float, str]:
    started = time.perf_counter()
    process = subprocess.Popen([str(c) for c in command], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed ({status}):\n{out.decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, out.decode()


def upstream(projects: int, html_only: bool) -> tuple[subprocess.Popen, str]:
    args = [sys.executable, str(HERE / "synthetic_upstream.py"), "--projects", str(projects)] + (["--html-only"] if html_only else [])
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    return process, process.stdout.readline().strip()


def stats(url: str) -> dict:
    return json.loads(urllib.request.urlopen(url + "_stats").read())


PEER = textwrap.dedent("""\
    import sys
    from pypi_simple import PyPISimple
    with PyPISimple(endpoint=sys.argv[1]) as client:
        page = client.get_index_page(accept=sys.argv[2])
    print(len(page.projects))
    """)


def listing(args, wh: str) -> None:
    print(f"A listing of {args.projects:,} projects read and planned, wall seconds and peak RSS (MiB), best of {args.rounds}")
    print(f"{'form':26} {'wheelhouse':>10} {'MiB':>6} {'pypi-simple':>12} {'MiB':>6} {'wh/peer':>8}")
    for html_only, accept, label in [(True, "text/html", "HTML (40 MB)"), (False, "application/vnd.pypi.simple.v1+json", "PEP 691 JSON")]:
        process, url = upstream(args.projects, html_only)
        try:
            urllib.request.urlopen(url + "simple/").read()  # the listing rendered once, before timing
            ours, peers = [], []
            for round_ in range(args.rounds):
                data = args.work / f"dry-{round_}"
                shutil.rmtree(data, ignore_errors=True)
                seconds, rss, out = measured_rss([wh, "sync", "--data-dir", data, "--upstream", url, "--dry-run", "--json"])
                assert json.loads(out.strip().splitlines()[-1])["projects_checked"] == args.projects, out
                ours.append((seconds, rss))
                seconds, rss, out = measured_rss([sys.executable, "-c", PEER, url + "simple/", accept])
                assert int(out.strip()) == args.projects, out
                peers.append((seconds, rss))
            (ws, wr), (ps, pr) = min(ours), min(peers)
            print(f"{label:26} {ws:10.3f} {wr:6.0f} {ps:12.3f} {pr:6.0f} {ws / ps:7.2f}x")
        finally:
            process.terminate()
            process.wait(10)


def bandersnatch_config(path: Path, mirror: Path, master: str, names: list[str]) -> Path:
    path.write_text(textwrap.dedent(f"""\
        [mirror]
        directory = {mirror}
        master = {master}
        allow-non-https = true
        api-method = simple
        json = true
        release-files = false
        workers = 8
        timeout = 60
        global-timeout = 36000
        stop-on-error = true

        [plugins]
        enabled = allowlist_project

        [allowlist]
        packages =
        """) + "".join(f"    {n}\n" for n in names))
    return path


def include_only(args, wh: str) -> None:
    names = [f"synthetic-{i * (args.projects // 20):06d}" for i in range(20)]
    process, url = upstream(args.projects, html_only=False)
    try:
        data = args.work / "named"
        includes = [a for n in names for a in ("--include", n)]
        command = [wh, "sync", "--data-dir", data, "--upstream", url, "--policy", "on_demand", "--json", *includes]
        first = json.loads(measured_rss(command)[2].strip().splitlines()[-1])
        assert first["failures"] == [] and first["projects_checked"] == 20, first
        runs = []
        for _ in range(args.rounds):
            before = stats(url)
            seconds, _, out = measured_rss(command)
            after = stats(url)
            summary = json.loads(out.strip().splitlines()[-1])
            runs.append((seconds, summary["upstream_requests"], after["bytes"] - before["bytes"], summary["seconds"]))
        ours = min(runs)
        config = bandersnatch_config(args.work / "bs.conf", args.work / "bs", url.rstrip("/"), names)
        measured_rss([BIN / "bandersnatch", "--config", config, "mirror"])
        peer = []
        for _ in range(args.rounds):
            before = stats(url)
            seconds, _, _ = measured_rss([BIN / "bandersnatch", "--config", config, "mirror"])
            after = stats(url)
            peer.append((seconds, after["requests"] - before["requests"], after["bytes"] - before["bytes"]))
        theirs = min(peer)
    finally:
        process.terminate()
        process.wait(10)
    print()
    print(f"No-change re-sync of 20 named projects from an upstream of {args.projects:,} projects without a journal, best of {args.rounds}")
    print(f"{'':26} {'wheelhouse':>12} {'bandersnatch':>14} {'wh/bs':>8}")
    print(f"{'wall seconds':26} {ours[0]:12.3f} {theirs[0]:14.3f} {ours[0] / theirs[0]:7.3f}x")
    print(f"{'requests':26} {ours[1]:12d} {theirs[1]:14d}")
    print(f"{'bytes sent by upstream':26} {ours[2]:12,d} {theirs[2]:14,d}")
    print(f"  (Wheelhouse's own timing of the sync: {ours[3]:.3f} s)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--work", required=True, type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--projects", type=int, default=900_000)
    args = parser.parse_args()
    os.environ["LOG_LEVEL"] = "error"
    listing(args, args.binary)
    include_only(args, args.binary)


if __name__ == "__main__":
    main()
