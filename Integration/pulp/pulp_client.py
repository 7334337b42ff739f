"""A small REST client for the real Pulp that `Integration/pulp/harness` runs (requests only).

    from pulp.pulp_client import PulpClient          # with Integration/ on sys.path
    pulp = PulpClient.from_env()                     # PULP_* variables, else `harness env`
    repo = pulp.create_repository("it-repo")
    pulp.upload(repo, corpus / "six-1.16.0-py2.py3-none-any.whl")
    pub = pulp.publish(repo)
    dist = pulp.create_distribution("it-pub", publication=pub)     # publication-backed
    live = pulp.create_distribution("it-live", repository=repo)    # repository-backed
    pulp.simple_url("it-pub")    -> http://127.0.0.1:24817/pypi/it-pub/simple/
    pulp.content_url("it-pub")   -> http://127.0.0.1:24816/pulp/content/it-pub/
    pulp.tidy()                  # delete python distributions, publications, repositories,
                                 # remotes, then orphan cleanup

Every call that makes a task waits for it (polling the task's href until it is completed,
failed, canceled or skipped) and raises PulpTaskError with the task's error unless it completed.
Objects are passed around as their `pulp_href` (a dict with a `pulp_href` works too).

Also a command line, for poking at the harness by hand:
    python Integration/pulp/pulp_client.py upload REPO FILE...      (creates REPO when missing)
    python Integration/pulp/pulp_client.py publish REPO BASE_PATH   (publication-backed distribution)
    python Integration/pulp/pulp_client.py serve REPO BASE_PATH     (repository-backed distribution)
    python Integration/pulp/pulp_client.py remove REPO FILENAME...
    python Integration/pulp/pulp_client.py tidy | status
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Union

import requests

HARNESS = Path(__file__).resolve().parent / "harness"
V3 = "/pulp/api/v3/"
Ref = Union[str, dict]
DONE = ("completed", "failed", "canceled", "skipped")


class PulpError(RuntimeError):
    """A REST call answered with an error status."""

    def __init__(self, method: str, url: str, response: requests.Response):
        self.status_code = response.status_code
        self.body = response.text
        super().__init__(f"{method} {url} -> {response.status_code}: {response.text[:1000]}")


class PulpTaskError(RuntimeError):
    """A task ended in another state than `completed` (or did not end in time)."""

    def __init__(self, task: dict, message: str | None = None):
        self.task = task
        self.error = task.get("error")
        error = self.error or {}
        detail = error.get("description") or json.dumps(error)
        if error.get("traceback"):
            detail += "\n" + error["traceback"]
        super().__init__(message or f"task {task.get('name')} {task.get('pulp_href')} {task.get('state')}: {detail}")


def href(obj: Ref) -> str:
    return obj["pulp_href"] if isinstance(obj, dict) else obj


def harness_env() -> dict[str, str]:
    """The KEY=value lines `harness env` prints, as a dict."""
    out = subprocess.run([str(HARNESS), "env"], capture_output=True, text=True, check=True).stdout
    env = {}
    for line in out.splitlines():
        key, _, value = line.partition("=")
        env[key] = value.strip("'")
    return env


class PulpClient:
    def __init__(self, api_url: str = "http://127.0.0.1:24817", user: str = "admin", password: str = "wheelhouse-pulp",
                 content_url: str | None = None, timeout: float = 60.0, task_timeout: float = 600.0):
        self.api_url = api_url.rstrip("/")
        self.content_base = (content_url or "http://127.0.0.1:24816/pulp/content/").rstrip("/") + "/"
        self.timeout = timeout
        self.task_timeout = task_timeout
        self.session = requests.Session()
        self.session.auth = (user, password)

    @classmethod
    def from_env(cls, **kwargs) -> "PulpClient":
        """From PULP_API_URL, PULP_CONTENT_URL, PULP_USER and PULP_PASSWORD; from `harness env`
        for whichever of them is not set."""
        keys = ("PULP_API_URL", "PULP_CONTENT_URL", "PULP_USER", "PULP_PASSWORD")
        env = {k: os.environ[k] for k in keys if os.environ.get(k)}
        if len(env) < len(keys):
            env = {**harness_env(), **env}
        return cls(env["PULP_API_URL"], env["PULP_USER"], env["PULP_PASSWORD"], env["PULP_CONTENT_URL"], **kwargs)

    # ---- plain REST --------------------------------------------------------------------------
    def url(self, path: str) -> str:
        if path.startswith("http"):
            return path
        if not path.startswith("/"):
            path = V3 + path
        return self.api_url + path

    def request(self, method: str, path: str, **kwargs) -> Any:
        url = self.url(path)
        kwargs.setdefault("timeout", self.timeout)
        response = self.session.request(method, url, **kwargs)
        if response.status_code >= 400:
            raise PulpError(method, url, response)
        return response.json() if response.content else {}

    def get(self, path: str, **params) -> Any:
        return self.request("GET", path, params=params or None)

    def post(self, path: str, **kwargs) -> Any:
        return self.request("POST", path, **kwargs)

    def list(self, path: str, **params) -> list[dict]:
        """Every object of a list endpoint, following `next` links."""
        params.setdefault("limit", 500)
        page = self.get(path, **params)
        results = list(page["results"])
        while page.get("next"):
            page = self.request("GET", page["next"])
            results += page["results"]
        return results

    # ---- tasks -------------------------------------------------------------------------------
    def wait_task(self, task: Ref, timeout: float | None = None, poll: float = 0.05) -> dict:
        """Polls a task until it ends; the task, or PulpTaskError unless it completed."""
        task_href = task["task"] if isinstance(task, dict) and "task" in task else href(task)
        deadline = time.monotonic() + (timeout or self.task_timeout)
        while True:
            t = self.get(task_href)
            if t["state"] in DONE:
                if t["state"] != "completed":
                    raise PulpTaskError(t)
                return t
            if time.monotonic() > deadline:
                raise PulpTaskError(t, f"task {t.get('name')} {task_href} still {t['state']} after {timeout or self.task_timeout}s")
            time.sleep(poll)
            poll = min(poll * 1.5, 0.5)

    def _run(self, response: dict) -> dict:
        """Waits for the task a call answered with (if any); the finished task, or the answer."""
        return self.wait_task(response["task"]) if "task" in response else response

    @staticmethod
    def created(task: dict, kind: str) -> str:
        """The href of the first resource of a kind (`/publications/`, `/repositories/`…) a task made."""
        for res in task.get("created_resources") or []:
            if res and kind in res:
                return res
        raise PulpTaskError(task, f"task {task.get('pulp_href')} created no {kind}: {task.get('created_resources')}")

    # ---- repositories and content -----------------------------------------------------------
    def create_repository(self, name: str, **fields) -> dict:
        return self.post("repositories/python/python/", json={"name": name, **fields})

    def find(self, endpoint: str, **filters) -> dict | None:
        found = self.get(endpoint, **filters)["results"]
        return found[0] if found else None

    def repository(self, name: str) -> dict | None:
        return self.find("repositories/python/python/", name=name)

    def latest_version(self, repo: Ref) -> str:
        return self.get(href(repo))["latest_version_href"]

    def upload(self, repo: Ref | None, path: Path | str, relative_path: str | None = None, **fields) -> dict:
        """POST content/python/packages/ with the file (and the repository, which gets a new
        version); waits for the task. {"content": href, "version": href or None, "task": task}."""
        path = Path(path)
        data = {"relative_path": relative_path or path.name, **fields}
        if repo is not None:
            data["repository"] = href(repo)
        with path.open("rb") as handle:
            task = self._run(self.post("content/python/packages/", data=data,
                                       files={"file": (path.name, handle, "application/octet-stream")},
                                       timeout=max(self.timeout, 300)))
        content = self.created(task, "/content/python/packages/")
        versions = [r for r in task.get("created_resources") or [] if r and "/versions/" in r]
        return {"content": content, "version": versions[0] if versions else None, "task": task}

    def packages(self, repo_version: str | None = None, **filters) -> list[dict]:
        """Package content, of one repository version when given (e.g. `filename=` filters)."""
        if repo_version:
            filters["repository_version"] = repo_version
        return self.list("content/python/packages/", **filters)

    def modify(self, repo: Ref, add: Iterable[Ref] = (), remove: Iterable[Ref] = (), base_version: str | None = None) -> str | None:
        """A new repository version with content added/removed; its href (None when nothing changed)."""
        body: dict[str, Any] = {"add_content_units": [href(c) for c in add],
                                "remove_content_units": [href(c) for c in remove]}
        if base_version:
            body["base_version"] = base_version
        task = self._run(self.post(href(repo).rstrip("/") + "/modify/", json=body))
        versions = [r for r in task.get("created_resources") or [] if r and "/versions/" in r]
        return versions[0] if versions else None

    def remove_content(self, repo: Ref, content: Iterable[Ref]) -> str | None:
        return self.modify(repo, remove=content)

    def remove_files(self, repo: Ref, *filenames: str) -> str | None:
        """Removes the packages with these filenames from the repository's latest version."""
        latest = self.latest_version(repo)
        units, missing = [], []
        for name in filenames:
            found = self.packages(latest, filename=name)
            units += [p["pulp_href"] for p in found]
            if not found:
                missing.append(name)
        if missing:
            raise KeyError(f"not in {latest}: {missing}")
        return self.modify(repo, remove=units)

    # ---- publications and distributions -----------------------------------------------------
    def publish(self, repo: Ref | None = None, version: str | None = None) -> str:
        """A publication of a repository's latest version (or of a given version); its href."""
        body = {"repository_version": version} if version else {"repository": href(repo)}
        return self.created(self._run(self.post("publications/python/pypi/", json=body)), "/publications/")

    def create_distribution(self, base_path: str, name: str | None = None, publication: Ref | None = None,
                            repository: Ref | None = None, **fields) -> dict:
        """A distribution serving a publication (publication-backed) or a repository's latest
        version (repository-backed); the distribution object."""
        body = {"name": name or base_path, "base_path": base_path, **fields}
        if publication is not None:
            body["publication"] = href(publication)
        if repository is not None:
            body["repository"] = href(repository)
        task = self._run(self.post("distributions/python/pypi/", json=body))
        return self.get(self.created(task, "/distributions/"))

    def update_distribution(self, dist: Ref, **fields) -> dict:
        """PATCH a distribution (e.g. publication=new_href); waits; the distribution object."""
        fields = {k: href(v) if isinstance(v, dict) else v for k, v in fields.items()}
        self._run(self.request("PATCH", href(dist), json=fields))
        return self.get(href(dist))

    def distribution(self, base_path: str) -> dict | None:
        return self.find("distributions/python/pypi/", base_path=base_path)

    # ---- URLs tests read ---------------------------------------------------------------------
    def pypi_url(self, base_path: str) -> str:
        """The API app's index root for a distribution: /pypi/BASE/ (simple/, pypi/<name>/json, legacy/)."""
        return f"{self.api_url}/pypi/{base_path}/"

    def simple_url(self, base_path: str) -> str:
        return self.pypi_url(base_path) + "simple/"

    def content_url(self, base_path: str) -> str:
        """The content app's root for a distribution: /pulp/content/BASE/."""
        return f"{self.content_base}{base_path}/"

    # ---- housekeeping -----------------------------------------------------------------------
    def delete(self, obj: Ref) -> None:
        try:
            self._run(self.request("DELETE", href(obj)))
        except PulpError as error:
            if error.status_code != 404:
                raise

    def orphan_cleanup(self) -> dict:
        return self._run(self.post("orphans/cleanup/", json={"orphan_protection_time": 0}))

    def tidy(self) -> None:
        """Deletes every upstream Pulp and python distribution, publication, repository and remote,
        then every orphaned content unit and artifact: the instance is empty again."""
        for endpoint in ("upstream-pulps/", "distributions/python/pypi/", "publications/python/pypi/",
                         "repositories/python/python/", "remotes/python/python/"):
            for obj in self.list(endpoint):
                self.delete(obj)
        self.orphan_cleanup()

    def status(self) -> dict:
        return self.get("status/")


def main(argv: list[str]) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("upload"); p.add_argument("repo"); p.add_argument("files", nargs="+")
    p = sub.add_parser("publish"); p.add_argument("repo"); p.add_argument("base_path")
    p = sub.add_parser("serve"); p.add_argument("repo"); p.add_argument("base_path")
    p = sub.add_parser("remove"); p.add_argument("repo"); p.add_argument("filenames", nargs="+")
    sub.add_parser("tidy"); sub.add_parser("status")
    a = ap.parse_args(argv)
    pulp = PulpClient.from_env()

    def repo_named(name: str, create: bool = False) -> dict:
        found = pulp.repository(name)
        if not found and create:
            found = pulp.create_repository(name)
        if not found:
            raise SystemExit(f"no repository {name}")
        return found

    if a.cmd == "upload":
        repo = repo_named(a.repo, create=True)
        for f in a.files:
            t0 = time.monotonic()
            result = pulp.upload(repo, f)
            print(json.dumps({"file": Path(f).name, "content": result["content"], "version": result["version"],
                              "seconds": round(time.monotonic() - t0, 2)}))
    elif a.cmd in ("publish", "serve"):
        repo = repo_named(a.repo)
        target = {"publication": pulp.publish(repo)} if a.cmd == "publish" else {"repository": repo["pulp_href"]}
        dist = pulp.distribution(a.base_path)
        if dist:   # switching kinds needs the other field cleared
            other = {"repository": None} if a.cmd == "publish" else {"publication": None}
            dist = pulp.update_distribution(dist, **target, **other)
        else:
            dist = pulp.create_distribution(a.base_path, **target)
        print(json.dumps({"distribution": dist["pulp_href"], **target, "simple": pulp.simple_url(a.base_path),
                          "content": pulp.content_url(a.base_path)}))
    elif a.cmd == "remove":
        print(json.dumps({"version": pulp.remove_files(repo_named(a.repo), *a.filenames)}))
    elif a.cmd == "tidy":
        pulp.tidy()
        print(json.dumps({"tidy": "done"}))
    elif a.cmd == "status":
        print(json.dumps(pulp.status(), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
