"""Times Wheelhouse's sync beside bandersnatch against the same upstream, and prints the
figures side by side with Wheelhouse/bandersnatch ratios. Run by `Integration/bench/sync`.

1. The corpus (70 files) served by a Wheelhouse primary: a full sync, an on-demand
   (metadata-only) sync and a no-change re-sync, against bandersnatch's full mirror, its
   metadata pass (`release-files = false`) and its no-change re-run. Best of the rounds.
2. A synthetic upstream (`synthetic_upstream.py`) of --compare-projects projects: Wheelhouse's
   on-demand sync against bandersnatch's metadata pass, with peak memory.
3. The synthetic upstream at --projects (100,000): Wheelhouse's on-demand sync with peak
   memory, its re-sync after 100 projects changed upstream, and with no change. bandersnatch
   runs at this scale too when --compare-projects equals --projects (about ten minutes here).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def timed(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds and standard output of a command that must succeed."""
    started = time.perf_counter()
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed ({result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return seconds, 0.0, result.stdout


def timed_with_memory(command: list[str]) -> tuple[float, float, str]:
    """Like `timed`, with the child's peak RSS (MiB) from wait4."""
    started = time.perf_counter()
    process = subprocess.Popen([str(c) for c in command], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed ({status}):\n{out.decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, out.decode()


def bandersnatch_config(path: Path, mirror: Path, master: str, release_files: bool, workers: int) -> Path:
    path.write_text(textwrap.dedent(f"""\
        [mirror]
        directory = {mirror}
        master = {master}
        allow-non-https = true
        api-method = simple
        json = true
        release-files = {str(release_files).lower()}
        root_uri = {master}
        workers = {workers}
        timeout = 60
        global-timeout = 36000
        stop-on-error = true
        """))
    return path


def start_primary(binary: Path, corpus: Path, work: Path) -> tuple[subprocess.Popen, str]:
    data = work / "primary"
    files = sorted(str(p) for p in corpus.iterdir() if p.name.endswith((".whl", ".tar.gz")))
    subprocess.run([str(binary), "upload", "--data-dir", str(data), *files], check=True, stdout=subprocess.DEVNULL)
    process = subprocess.Popen([str(binary), "serve", "--data-dir", str(data), "--bind", "127.0.0.1:0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env=dict(os.environ, WHEELHOUSE_ADMIN_PASSWORD="bench", LOG_LEVEL="error"))
    for line in process.stdout:
        match = re.search(r"Index:\s+(http://127\.0\.0\.1:\d+)/", line)
        if match:
            return process, match.group(1)
    raise SystemExit("the primary did not start")


def fmt(value: float) -> str:
    return f"{value:8.3f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True, type=Path)
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--work", required=True, type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--compare-projects", type=int, default=10_000)
    args = parser.parse_args()
    bandersnatch = BIN / "bandersnatch"
    wh = str(args.binary)
    os.environ["LOG_LEVEL"] = "error"

    primary, url = start_primary(args.binary, args.corpus, args.work)
    upstream = f"{url}/pypi/default/"
    master = f"{url}/pypi/default"
    results: dict[str, list[float]] = {}
    try:
        for _ in range(args.rounds):
            for name in ["wh-full", "wh-ondemand", "bs-full", "bs-meta"]:
                shutil.rmtree(args.work / name, ignore_errors=True)
            runs = {
                "wh-full": lambda: timed([wh, "sync", "--data-dir", args.work / "wh-full", "--upstream", upstream, "--json"]),
                "wh-nochange": lambda: timed([wh, "sync", "--data-dir", args.work / "wh-full", "--upstream", upstream, "--json"]),
                "wh-ondemand": lambda: timed([wh, "sync", "--data-dir", args.work / "wh-ondemand", "--upstream", upstream, "--policy",
                                              "on_demand", "--json"]),
                "bs-full": lambda: timed([bandersnatch, "--config", bandersnatch_config(
                    args.work / "bs-full.conf", args.work / "bs-full", master, True, 8), "mirror"]),
                "bs-nochange": lambda: timed([bandersnatch, "--config", args.work / "bs-full.conf", "mirror"]),
                "bs-meta": lambda: timed([bandersnatch, "--config", bandersnatch_config(
                    args.work / "bs-meta.conf", args.work / "bs-meta", master, False, 8), "mirror"]),
            }
            for name, run in runs.items():
                results.setdefault(name, []).append(run()[0])
    finally:
        primary.terminate()
        primary.wait(10)

    best = {name: min(values) for name, values in results.items()}
    print(f"Sync of the 70-file corpus from a local Wheelhouse, wall seconds (process start to exit), best of {args.rounds}")
    print(f"{'operation':38} {'wheelhouse':>10} {'bandersnatch':>12} {'wh/bs':>8}")
    for label, ours, theirs in [("full sync (download and verify)", "wh-full", "bs-full"),
                                ("on-demand / metadata-only sync", "wh-ondemand", "bs-meta"),
                                ("no-change re-sync", "wh-nochange", "bs-nochange")]:
        print(f"{label:38} {fmt(best[ours]):>10} {fmt(best[theirs]):>12} {best[ours] / best[theirs]:7.2f}x")

    if args.compare_projects > 0:
        synthetic_comparison(args, wh, bandersnatch, args.compare_projects)
    if args.projects > 0 and args.projects != args.compare_projects:
        synthetic_comparison(args, wh, None, args.projects)


def synthetic_comparison(args, wh: str, bandersnatch: Path | None, projects: int):
    synthetic = subprocess.Popen([sys.executable, str(HERE / "synthetic_upstream.py"), "--projects", str(projects)],
                                 stdout=subprocess.PIPE, text=True)
    try:
        synthetic_url = synthetic.stdout.readline().strip()
        data = args.work / f"wh-synthetic-{projects}"
        shutil.rmtree(data, ignore_errors=True)
        sync = [wh, "sync", "--data-dir", data, "--upstream", synthetic_url, "--policy", "on_demand", "--json"]
        wh_seconds, wh_rss, _ = timed_with_memory(sync)
        urllib.request.urlopen(urllib.request.Request(synthetic_url + "_change?count=100", method="POST")).read()
        changed_seconds, _, changed_out = timed_with_memory(sync)
        nochange_seconds, _, _ = timed_with_memory(sync)
        if bandersnatch:
            shutil.rmtree(args.work / "bs-synthetic", ignore_errors=True)
            bs_config = bandersnatch_config(args.work / "bs-synthetic.conf", args.work / "bs-synthetic", synthetic_url.rstrip("/"), False, 8)
            bs_seconds, bs_rss, _ = timed_with_memory([bandersnatch, "--config", bs_config, "mirror"])
    finally:
        synthetic.terminate()
        synthetic.wait(10)
    print()
    print(f"Synthetic upstream of {projects:,} projects (one Python process computing pages), wall seconds and peak RSS")
    print(f"{'operation':38} {'wheelhouse':>10} {'bandersnatch':>12} {'wh/bs':>8}")
    if bandersnatch:
        print(f"{'on-demand / metadata-only sync':38} {fmt(wh_seconds):>10} {fmt(bs_seconds):>12} {wh_seconds / bs_seconds:7.2f}x")
        print(f"{'  peak RSS (MiB)':38} {wh_rss:10.0f} {bs_rss:12.0f} {wh_rss / bs_rss:7.2f}x")
    else:
        print(f"{'on-demand sync':38} {fmt(wh_seconds):>10}")
        print(f"{'  peak RSS (MiB)':38} {wh_rss:10.0f}")
    print(f"{'re-sync after 100 projects changed':38} {fmt(changed_seconds):>10}")
    print(f"{'no-change re-sync':38} {fmt(nochange_seconds):>10}")
    print(f"  (re-sync summary: {changed_out.strip().splitlines()[-1]})")


if __name__ == "__main__":
    main()
