"""Drives Integration/bench/serve: loads the corpus into Wheelhouse, mirrors Wheelhouse's own
pages into a static tree for nginx, starts the three servers and runs wrk against each."""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

JSON_ACCEPT = "application/vnd.pypi.simple.v1+json"
PROJECT = "requests"
WHEEL = "requests-2.32.3-py3-none-any.whl"  # 64,928 bytes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, timeout: float = 30) -> float:
    """Seconds until `url` first answers 200."""
    start = time.monotonic()
    while True:
        if process.poll() is not None:
            sys.exit(f"{process.args[0]} exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return time.monotonic() - start
        except OSError:
            pass
        if time.monotonic() - start > timeout:
            sys.exit(f"{url} did not answer within {timeout}s")
        time.sleep(0.002)


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def fetch(url: str, accept: str | None = None) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request) as response:
        return response.read()


def wrk(url: str, seconds: int, connections: int, accept: str | None, headers: tuple[str, ...] = (),
        timeout: int = 2) -> tuple[float, float] | None:
    """Requests/s and p99 latency in ms, or None when answers were not all 2xx (or took over
    `timeout` seconds)."""
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout}s", "--latency"]
    if accept:
        args += ["-H", f"Accept: {accept}"]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in out or "Socket errors" in out:
        print(f"  (errors from {url}:\n{out})", file=sys.stderr)
        return None
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return rps, p99


def start_wheelhouse(binary: str, data: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, WHEELHOUSE_ADMIN_PASSWORD="bench", LOG_LEVEL="warning")
    return subprocess.Popen([binary, "serve", "--data-dir", str(data), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def mirror_for_nginx(base: str, static: Path, corpus: Path) -> None:
    """Wheelhouse's own root and project pages, as files, with the wheels at the same paths."""
    simple = static / "simple"
    simple.mkdir(parents=True)
    (simple / "index.html").write_bytes(fetch(f"{base}/simple/"))
    root = fetch(f"{base}/simple/", JSON_ACCEPT)
    (simple / "index.json").write_bytes(root)
    for project in json.loads(root)["projects"]:
        name = project["name"]
        folder = simple / name
        folder.mkdir()
        (folder / "index.html").write_bytes(fetch(f"{base}/simple/{name}/"))
        page = fetch(f"{base}/simple/{name}/", JSON_ACCEPT)
        (folder / "index.json").write_bytes(page)
        for file in json.loads(page)["files"]:
            path = static / file["url"].split("://", 1)[-1].split("/", 1)[1]
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(corpus / file["filename"], path)


NGINX_CONF = """
worker_processes auto;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    types {{ text/html html; application/vnd.pypi.simple.v1+json json; application/octet-stream whl gz; }}
    map $http_accept $simple_index {{
        ~application/vnd\\.pypi\\.simple\\.v1\\+json index.json;
        default index.html;
    }}
    client_body_temp_path {work}/nginx-tmp;
    proxy_temp_path {work}/nginx-tmp;
    fastcgi_temp_path {work}/nginx-tmp;
    uwsgi_temp_path {work}/nginx-tmp;
    scgi_temp_path {work}/nginx-tmp;
    server {{
        listen 127.0.0.1:{port};
        root {static};
        location /simple/ {{ index $simple_index; }}
        location /packages/ {{ }}
    }}
}}
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work: Path = args.work
    work.chmod(0o755)  # nginx's workers run as another user when started by root
    corpus: Path = args.corpus.resolve()
    files = sorted(p for p in corpus.iterdir() if p.name.endswith((".whl", ".tar.gz")))

    data = work / "wheelhouse-data"
    subprocess.run([args.binary, "upload", "--data-dir", str(data), *map(str, files)],
                   check=True, stdout=subprocess.DEVNULL)

    # Start-up to the first answered request, on the loaded data directory: median of 5.
    startups = []
    for _ in range(5):
        port = free_port()
        process = start_wheelhouse(args.binary, data, port)
        try:
            startups.append(wait_until_answering(f"http://127.0.0.1:{port}/livez", process))
        finally:
            stop(process)

    servers: list[tuple[str, subprocess.Popen, dict[str, str]]] = []
    try:
        port = free_port()
        wheelhouse = start_wheelhouse(args.binary, data, port)
        servers.append(("wheelhouse", wheelhouse, {}))
        wait_until_answering(f"http://127.0.0.1:{port}/livez", wheelhouse)
        time.sleep(1)
        idle_rss = rss_kib([wheelhouse.pid])
        base = f"http://127.0.0.1:{port}/pypi/default"
        wheel_url = next(f["url"] for f in json.loads(fetch(f"{base}/simple/{PROJECT}/", JSON_ACCEPT))["files"]
                         if f["filename"] == WHEEL)
        servers[-1] = ("wheelhouse", wheelhouse, {
            "root": f"{base}/simple/", "project": f"{base}/simple/{PROJECT}/", "wheel": wheel_url})

        static = work / "static"
        mirror_for_nginx(base, static, corpus)
        (work / "nginx-tmp").mkdir()
        port = free_port()
        (work / "nginx.conf").write_text(NGINX_CONF.format(work=work, port=port, static=static))
        nginx = subprocess.Popen(["nginx", "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"])
        servers.append(("nginx", nginx, {}))
        wait_until_answering(f"http://127.0.0.1:{port}/simple/", nginx)
        wheel_path = wheel_url.split("://", 1)[1].split("/", 1)[1]
        servers[-1] = ("nginx", nginx, {
            "root": f"http://127.0.0.1:{port}/simple/", "project": f"http://127.0.0.1:{port}/simple/{PROJECT}/",
            "wheel": f"http://127.0.0.1:{port}/{wheel_path}"})

        packages = work / "pypiserver-packages"
        packages.mkdir()
        for file in files:
            shutil.copyfile(file, packages / file.name)
        port = free_port()
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        pypiserver = subprocess.Popen(
            [gunicorn, "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
             f"pypiserver:app(roots=['{packages}'], authenticate=[], password_file='.')"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        servers.append(("pypiserver", pypiserver, {}))
        wait_until_answering(f"http://127.0.0.1:{port}/simple/", pypiserver)
        servers[-1] = ("pypiserver", pypiserver, {
            "root": f"http://127.0.0.1:{port}/simple/", "project": f"http://127.0.0.1:{port}/simple/{PROJECT}/",
            "wheel": f"http://127.0.0.1:{port}/packages/{WHEEL}"})

        cases = [("root page (HTML)", "root", None), ("project page (HTML)", "project", None),
                 ("project page (JSON)", "project", JSON_ACCEPT), ("64 KB wheel", "wheel", None)]
        # Rounds interleave the servers so that a noisy moment on the machine hits all of
        # them; each figure is the best round (highest requests/s, with that round's p99).
        results: dict[tuple[str, str], tuple[float, float] | None] = {}
        for _ in range(args.rounds):
            for label, key, accept in cases:
                for name, _, urls in servers:
                    if name == "pypiserver" and accept == JSON_ACCEPT:
                        results[(label, name)] = None  # pypiserver has no PEP 691 JSON
                        continue
                    subprocess.run(["wrk", "-t1", "-c4", "-d1s", urls[key]], capture_output=True)  # warm-up
                    measured = wrk(urls[key], args.seconds, args.connections, accept)
                    best = results.get((label, name))
                    if measured and (best is None or measured[0] > best[0]):
                        results[(label, name)] = measured
        loaded_rss = rss_kib([wheelhouse.pid])
        nginx_rss = rss_kib([nginx.pid, *children(nginx.pid)])
        pypiserver_rss = rss_kib([pypiserver.pid, *children(pypiserver.pid)])
    finally:
        for _, process, _ in servers:
            stop(process)

    def cell(result: tuple[float, float] | None) -> str:
        return f"{result[0]:>9,.0f} {result[1]:>7.2f}" if result else f"{'n/a':>9} {'':>7}"

    def ratio(a, b) -> str:
        return f"{a[0] / b[0]:>7.2f}x" if a and b else f"{'n/a':>8}"

    print(f"\nwrk -t2 -c{args.connections} -d{args.seconds}s over loopback, best of {args.rounds} interleaved rounds; requests/s and p99 in ms")
    print(f"{'request':<22}{'wheelhouse':>17} {'nginx':>17} {'pypiserver':>17}  {'wh/nginx':>8} {'wh/pypiserver':>13}")
    print(f"{'':<22}{'req/s':>9} {'p99':>7} {'req/s':>9} {'p99':>7} {'req/s':>9} {'p99':>7}")
    for label, _, _ in cases:
        wh, ng, ps = (results[(label, name)] for name in ("wheelhouse", "nginx", "pypiserver"))
        print(f"{label:<22}{cell(wh)} {cell(ng)} {cell(ps)}  {ratio(wh, ng)} {ratio(wh, ps):>13}")
    print(f"\nwheelhouse start-up to first answered request: median {statistics.median(startups) * 1000:.0f} ms "
          f"(of {', '.join(f'{s * 1000:.0f}' for s in startups)} ms)")
    print(f"wheelhouse RSS: idle {idle_rss / 1024:.1f} MiB, after the runs {loaded_rss / 1024:.1f} MiB "
          f"(nginx {nginx_rss / 1024:.1f} MiB, pypiserver {pypiserver_rss / 1024:.1f} MiB, all processes)")


if __name__ == "__main__":
    main()
