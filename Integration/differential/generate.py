#!/usr/bin/env python3
"""Generate differential test vectors for Wheelhouse's PythonPackaging from pypa/packaging.

Every case is an input and the answer the pinned `packaging` (see requirements.txt) gives.
The Swift tests in Tests/PythonPackagingTests must agree on every one. The output is
deterministic (seeded), so CI regenerates it and fails on any difference:

    Integration/differential/regenerate --check   (from the repository root)
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import tarfile
import zipfile
from pathlib import Path

import packaging
from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.metadata import parse_email
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    is_normalized_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

SEED = 20261126


def write(out: Path, name: str, payload: dict) -> None:
    """One JSON document per file; list items one per line so that diffs stay readable."""
    payload = {"packaging": packaging.__version__, **payload}
    lines = ["{"]
    keys = list(payload)
    for index, key in enumerate(keys):
        value = payload[key]
        end = "," if index < len(keys) - 1 else ""
        if isinstance(value, list):
            lines.append(f"{json.dumps(key)}: [")
            for item_index, item in enumerate(value):
                item_end = "," if item_index < len(value) - 1 else ""
                lines.append(json.dumps(item, ensure_ascii=True, sort_keys=True, separators=(",", ":")) + item_end)
            lines.append("]" + end)
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=True)}{end}")
    lines.append("}")
    (out / name).write_text("\n".join(lines) + "\n", encoding="ascii")


# ----------------------------------------------------------------------------- versions

RELEASE_NUMBERS = ["0", "1", "2", "3", "9", "10", "11", "99", "100", "2024", "01", "007", "00",
                   "18446744073709551615", "18446744073709551616", "99999999999999999999999"]
PRE = ["", "", "", "a", "a1", "b2", "rc0", "c3", "alpha4", "beta", "pre", "preview1", "-a1", ".b2",
       "_rc3", "A1", "RC1", ".pre.1", "a.5", "-beta-7", "rc-", "a01"]
POST = ["", "", "", ".post1", "-1", "post", ".post", "-post2", "_r3", "rev4", ".POST5", "-r", "post-0",
        ".rev.6", "-01"]
DEV = ["", "", "", ".dev0", "dev", ".dev", "-dev3", "_DEV4", "dev.5", ".dev-6"]
LOCAL = ["", "", "", "", "+abc", "+1.2", "+ubuntu-1", "+abc.def_1", "+ABC", "+0", "+1.01",
         "+deadbeef.7", "+a.b.c.d.e"]
EPOCH = ["", "", "", "", "1!", "0!", "2!", "00!", "10!"]
INVALID_VERSIONS = [
    "", " ", "1.0.", ".1", "1..0", "a", "1.0+", "1.0+.a", "1!", "1.0-", "1.0 .dev1", "1-2-3",
    "1.0_", "latest", "dev", "1.0.x", "2.0b1-rc2", "0.1.dev-1", "1.0+abc..d", "1.0+abc_", "v",
    "vv1.0", "1.0.post1.post2", "1.0a1a2", "1.0-dev-dev", "!1.0", "1!!2", "1.0+abc+def",
    "1.0 1", "1,0", "1.0.*", "==1.0", "1.0\n\n2", "\uff11.0", "1.0\u00e9", "1.0+\u00e9",
    "1.0.dev1.post1", "1.0a1.dev1.post1", "1.0rc1.dev1.a1", "1.0.0.0.0.0.0.0.0.a", "1.0+a-",
    "0x1", "1e3", "1.0~rc1", "1.0-rc.1.2", "2.0.0-beta.1", "1.0-SNAPSHOT", "r1",
]
EDGE_VERSIONS = [
    "1.0", "1", "1.0.0", "1.0.0.0", "0", "0.0", "00", "v1.0", "V1.0", " 1.0 ", "\t1.0\n",
    "\u00a01.0\u2003", "\u20281.0", "1.0\u3000", "1.0\x1c", "1.0.post0", "1.0-0", "1.0.dev0",
    "1.0a0", "1.0rc", "1.0c1", "1.0pre1", "1.0preview1", "1.0alpha1", "1.0beta1", "1.0-1",
    "1.0.post.dev", "1.0a.post.dev", "1!1.0", "1.0+0", "1.0+00", "1.0+abc.0.def",
    "2.0.0-beta.1"[0:0] + "2.0b1", "1.0RC1", "1.0Alpha1.Post2.Dev3+LOCAL.4", "1.0-r", "1.0r",
    "1.0rev", "1.0.r2", "1.0-a-1", "1.0_a_1", "1.0.a.1", "1.0a-", "1.0.post-", "1.0.dev-",
    "0.9.9.9.9.9.9.9.9.9.9", "1.18446744073709551616", "18446744073709551616!1",
    "1.0.post18446744073709551616", "1.0+18446744073709551616",
]


def random_version(rng: random.Random) -> str:
    release = ".".join(rng.choice(RELEASE_NUMBERS[:12] if rng.random() < 0.95 else RELEASE_NUMBERS)
                       for _ in range(rng.choice([1, 1, 2, 2, 2, 3, 3, 3, 4, 5])))
    text = rng.choice(EPOCH) + release + rng.choice(PRE) + rng.choice(POST) + rng.choice(DEV) + rng.choice(LOCAL)
    if rng.random() < 0.05:
        text = rng.choice(["v", "V"]) + text
    if rng.random() < 0.03:
        text = rng.choice([" ", "\t", "\n"]) + text + rng.choice(["", " ", "\r\n"])
    return text


def mutate(rng: random.Random, text: str) -> str:
    chars = list(text)
    alphabet = "0123456789.-_+!abcdeprvostl* "
    for _ in range(rng.randint(1, 2)):
        choice = rng.random()
        position = rng.randint(0, len(chars))
        if choice < 0.4:
            chars.insert(position, rng.choice(alphabet))
        elif choice < 0.7 and chars:
            del chars[min(position, len(chars) - 1)]
        elif chars:
            chars[min(position, len(chars) - 1)] = rng.choice(alphabet)
    return "".join(chars)


def version_case(text: str) -> dict:
    try:
        v = Version(text)
    except InvalidVersion:
        return {"input": text, "valid": False}
    return {
        "input": text, "valid": True, "normalized": str(v), "public": v.public, "base": v.base_version,
        "epoch": v.epoch, "release": [str(n) for n in v.release],
        "pre": [v.pre[0], str(v.pre[1])] if v.pre else None,
        "post": None if v.post is None else str(v.post), "dev": None if v.dev is None else str(v.dev),
        "local": v.local, "is_prerelease": v.is_prerelease, "is_postrelease": v.is_postrelease,
        "is_devrelease": v.is_devrelease,
    }


def corpus_versions(corpus: Path) -> list[str]:
    found = set()
    for path in sorted(corpus.iterdir()):
        name = path.name
        if name.endswith(".whl"):
            found.add(name.split("-")[1])
        elif name.endswith(".tar.gz"):
            found.add(name[: -len(".tar.gz")].rsplit("-", 1)[1])
        metadata = read_metadata(path)
        if metadata is not None:
            raw, _ = parse_email(metadata)
            if "version" in raw:
                found.add(raw["version"])
    return sorted(found)


def generate_versions(rng: random.Random, corpus: Path) -> tuple[list[dict], list[str]]:
    inputs = list(EDGE_VERSIONS) + list(INVALID_VERSIONS) + corpus_versions(corpus)
    while len(inputs) < 3500:
        text = random_version(rng)
        inputs.append(mutate(rng, text) if rng.random() < 0.25 else text)
    cases = [version_case(text) for text in inputs]
    valid = [case["input"] for case in cases if case["valid"]]
    return cases, valid


def generate_orderings(rng: random.Random, valid: list[str]) -> tuple[list[list], list[str]]:
    def cmp(a: str, b: str) -> int:
        va, vb = Version(a), Version(b)
        return -1 if va < vb else (1 if va > vb else 0)

    pairs = []
    for _ in range(6000):
        a = rng.choice(valid)
        # Half the pairs share a release, where the suffix rules decide.
        if rng.random() < 0.5:
            base = Version(a).base_version
            b = base + rng.choice(PRE) + rng.choice(POST) + rng.choice(DEV) + rng.choice(LOCAL)
            try:
                Version(b)
            except InvalidVersion:
                b = rng.choice(valid)
        else:
            b = rng.choice(valid)
        pairs.append([a, b, cmp(a, b)])
    sample = rng.sample(valid, 600)
    ordered = sorted(sample, key=Version)  # sorted() is stable: equal versions keep sample order
    return pairs, sample, ordered


# ----------------------------------------------------------------------------- specifiers

OPERATORS = ["==", "!=", "<=", ">=", "<", ">", "~=", "==="]


def neighbours(version: str) -> list[str]:
    """Versions around `version` where boundary rules matter."""
    v = Version(version)
    base = v.base_version
    release = list(v.release)
    up = release[:-1] + [release[-1] + 1]
    down = release[:-1] + [max(release[-1] - 1, 0)]
    result = [
        str(v), base, base + ".dev0", base + "a1", base + "rc2", base + ".post1", base + ".post1.dev0",
        base + "+local", base + ".0", base + ".0.1", ".".join(map(str, up)), ".".join(map(str, up)) + ".dev0",
        ".".join(map(str, down)), str(v) + "+abc" if v.local is None else str(v), str(v) + ".dev5" if v.dev is None else str(v),
        str(v) + ".post2" if v.post is None and v.dev is None else base, "1!" + base,
        ".".join(map(str, release[:-1] or [0])),
    ]
    if v.pre:
        result += [base + v.pre[0] + str(v.pre[1] + 1), base + v.pre[0] + str(v.pre[1]) + ".post1",
                   base + v.pre[0] + str(v.pre[1]) + ".dev1"]
    return result


def specifier_texts(rng: random.Random, valid: list[str]) -> list[str]:
    texts = [
        "~=1", "<1.0+local", ">=1.0.*", "==", "=1.0", "=>1", "== 1.0", "===  foo", "=== foo bar",
        "==1.0.*", "!=1.0.*", "==1.*", "==1.0.post1.*", "~=1.0", "~=1.4.5a4", "~=2.2.post3", "===1.0",
        "===1.0+abc", "===", "< 1.0", ">=\t1.0", " >= 1.0 ", "==1.0+abc", "!=1.0+abc", "<=1.0+abc",
        ">1.0+abc", "~=1.0+abc", "==1!1.0.*", "==v1.0", "== V1.0.*", ">=1.0a1.*", "~=1.0.*", "<0",
        "<0.dev0", "<0a1", ">0", "==0.*", ">1.0.dev1", ">1.0.post1", ">1.0a1", "<1.0.post1", "<1.0a1",
        "<=1.0.post1", "==1.0;", "==1.0)", "===1.0;", "==1.0 ", "\u00a0==1.0", "==\u00a01.0", "==1.0\u2003",
        "===\u0301foo", "===x\u00e9", ">=18446744073709551616", "==1.0.0.0.0", ">=1!0", "!=0!1.0",
    ]
    for _ in range(1400):
        op = rng.choice(OPERATORS)
        version = rng.choice(valid).strip()
        if op == "===":
            version = rng.choice([version, "foo", "1.0-custom", "latest"])
        if rng.random() < 0.15 and op in ("==", "!="):
            v = Version(version)
            version = (f"{v.epoch}!" if v.epoch else "") + ".".join(map(str, v.release)) + ".*"
        sep = rng.choice(["", "", "", " ", "  "])
        texts.append(op + sep + version)
    return texts


def specifier_case(text: str) -> dict:
    try:
        s = Specifier(text)
    except InvalidSpecifier:
        return {"input": text, "valid": False}
    return {"input": text, "valid": True, "str": str(s), "operator": s.operator, "version": s.version,
            "prereleases": s.prereleases}


def specifier_set_text(rng: random.Random, parsed: list[str]) -> str:
    count = rng.choice([0, 1, 1, 2, 2, 3])
    clauses = rng.sample(parsed, count)
    return rng.choice([",", ", ", " ,", ",,"]).join(clauses) + rng.choice(["", "", ","])


def generate_specifiers(rng: random.Random, valid: list[str]) -> dict:
    texts = specifier_texts(rng, valid)
    parse_cases = [specifier_case(text) for text in texts]
    parsed = [case["input"] for case in parse_cases if case["valid"]]
    sets = []
    membership = []
    filters = []
    for _ in range(700):
        text = specifier_set_text(rng, parsed)
        try:
            spec_set = SpecifierSet(text)
        except InvalidSpecifier:
            sets.append({"input": text, "valid": False})
            continue
        sets.append({"input": text, "valid": True, "str": str(spec_set), "prereleases": spec_set.prereleases,
                     "count": len(spec_set)})
        pool = []
        for spec in spec_set:
            if spec.operator != "===":
                try:
                    pool += neighbours(spec.version.removesuffix(".*"))
                except InvalidVersion:
                    pass
            else:
                pool += [spec.version, spec.version.upper()]
        pool += rng.sample(valid, 4) + ["not-a-version", "1.0-custom"]
        pool = [p for p in dict.fromkeys(pool)]
        for candidate in rng.sample(pool, min(len(pool), 12)):
            for pre in (None, True, False):
                membership.append([text, candidate, pre, spec_set.contains(candidate, prereleases=pre)])
        for pre in (None, True, False):
            items = rng.sample(pool, min(len(pool), rng.randint(1, 8)))
            filters.append([text, items, pre, list(spec_set.filter(items, prereleases=pre))])
    single = []
    for text in parsed:
        spec = Specifier(text)
        candidates = []
        if spec.operator != "===":
            candidates = neighbours(spec.version.removesuffix(".*"))
        candidates += ["not-a-version", spec.version]
        for candidate in candidates[:10]:
            pre = rng.choice([None, True, False])
            single.append([text, candidate, pre, spec.contains(candidate, prereleases=pre)])
    return {"parse": parse_cases, "sets": sets, "set_contains": membership, "filter": filters,
            "specifier_contains": single}


# ----------------------------------------------------------------------------- markers

ENVIRONMENTS = [
    {"implementation_name": "cpython", "implementation_version": "3.11.7", "os_name": "posix",
     "platform_machine": "x86_64", "platform_release": "6.1.0-18-amd64", "platform_system": "Linux",
     "platform_version": "#1 SMP Debian", "python_full_version": "3.11.7",
     "platform_python_implementation": "CPython", "python_version": "3.11", "sys_platform": "linux"},
    {"implementation_name": "cpython", "implementation_version": "3.8.10", "os_name": "nt",
     "platform_machine": "AMD64", "platform_release": "10", "platform_system": "Windows",
     "platform_version": "10.0.19045", "python_full_version": "3.8.10",
     "platform_python_implementation": "CPython", "python_version": "3.8", "sys_platform": "win32"},
    {"implementation_name": "pypy", "implementation_version": "7.3.15", "os_name": "posix",
     "platform_machine": "arm64", "platform_release": "23.1.0", "platform_system": "Darwin",
     "platform_version": "Darwin Kernel", "python_full_version": "3.9.18",
     "platform_python_implementation": "PyPy", "python_version": "3.9", "sys_platform": "darwin",
     "extra": "Security"},
    {"implementation_name": "cpython", "implementation_version": "3.13.0rc1", "os_name": "posix",
     "platform_machine": "aarch64", "platform_release": "", "platform_system": "Linux",
     "platform_version": "", "python_full_version": "3.13.0rc1+",
     "platform_python_implementation": "CPython", "python_version": "3.13", "sys_platform": "linux",
     "extra": "use_chardet_on_py3"},
    {"implementation_name": "cpython", "implementation_version": "2.7.18", "os_name": "posix",
     "platform_machine": "i686", "platform_release": "2.6.32", "platform_system": "Linux",
     "platform_version": "#1", "python_full_version": "2.7.18",
     "platform_python_implementation": "CPython", "python_version": "2.7", "sys_platform": "linux2",
     "extra": "socks"},
]

MARKER_VARIABLES = ["python_version", "python_full_version", "os_name", "os.name", "sys_platform",
                    "sys.platform", "platform_release", "platform_system", "platform_version",
                    "platform.version", "platform_machine", "platform.machine",
                    "platform_python_implementation", "platform.python_implementation",
                    "python_implementation", "implementation_name", "implementation_version", "extra"]
MARKER_VALUES = ["3.8", "3.11", "3.11.7", "2.7", "3", "3.13.0rc1", "3.9.*", "linux", "win32", "darwin",
                 "posix", "nt", "CPython", "PyPy", "cpython", "x86_64", "aarch64", "Linux", "Windows",
                 "security", "Security", "use_chardet_on_py3", "use-chardet-on-py3", "socks", "", "6.1",
                 "10", "3.11 3.12", "lin", "foo bar", "1!2.0"]
MARKER_OPS = ["==", "!=", "<", "<=", ">", ">=", "~=", "===", "in", "not in"]
INVALID_MARKERS = ["", "python_version", "python_version ==", "== '3.8'", "python_version = '3.8'",
                   "python_version == '3.8' and", "(python_version == '3.8'", "python_version == '3.8')",
                   "foo == 'bar'", "python_version == 3.8", "python_version notin '3.8'",
                   "python_version not  in '3.8'", "python_version == '3.8' or or os_name == 'nt'",
                   "python_version == \"3.8'", "python_version=='3.8'and os_name=='nt'",
                   "python_versionx == '3.8'", "'a' == 'b' == 'c'", "python_version ~ '3.8'",
                   "python_version == '\\N{LATIN SMALL LETTER A}'", "python_version == 'a\nb'"]


def quote(rng: random.Random, value: str) -> str:
    if '"' in value:
        return f"'{value}'"
    return rng.choice(['"', "'"]).join(["", value, ""])


def random_comparison(rng: random.Random) -> str:
    variable = rng.choice(MARKER_VARIABLES)
    value = quote(rng, rng.choice(MARKER_VALUES))
    op = rng.choice(MARKER_OPS)
    sep1 = rng.choice([" ", " ", "", "  ", "\t"])
    sep2 = rng.choice([" ", " ", "", "  "])
    if op in ("in", "not in"):
        sep1 = sep2 = " "
    if rng.random() < 0.2:
        return f"{value}{sep1}{op}{sep2}{variable}"
    return f"{variable}{sep1}{op}{sep2}{value}"


def random_marker(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for index in range(rng.choice([1, 1, 2, 2, 3])):
        if index:
            parts.append(rng.choice([" and ", " or ", " and ", ") and (" if False else " or "]))
        if depth < 2 and rng.random() < 0.2:
            parts.append("(" + random_marker(rng, depth + 1) + ")")
        else:
            parts.append(random_comparison(rng))
    return "".join(parts)


def evaluate(marker: Marker, environment: dict) -> object:
    try:
        return marker.evaluate(environment)
    except UndefinedComparison:
        return "UndefinedComparison"
    except UndefinedEnvironmentName:
        return "UndefinedEnvironmentName"


def generate_markers(rng: random.Random) -> dict:
    texts = list(INVALID_MARKERS) + [
        "python_version >= '3.8' and sys_platform != 'win32'", "extra == 'Security'", "extra == \"USE.Chardet_on_py3\"",
        "'security' == extra", "python_full_version >= '3.13.0rc1'", "python_version in '3.8 3.9'",
        "'3.8' in python_version", "os_name == \"nt\" or (python_version < \"3\" and extra == 'socks')",
        "(((python_version == '3.11')))", "python_version == \"3.11\" ", "  python_version == '3.11'",
        "'a' == 'b'", "python_version == python_full_version", "implementation_version >= '7'",
        "platform_release >= '6'", "python_version ~= '3.8'", "python_version === '3.11'",
        "sys_platform ~= 'linux'", "python_version == 'a\\tb'", "python_version == '\\x33.11'",
        "python_version == 'caf\u00e9'", "os.name == 'posix' and platform.machine == 'x86_64'",
        "python_version < '3.11' or python_version > '3.11' or python_version == '3.11'",
        "extra == 'security' and extra != 'socks'", "python_version > '3.11.*'", "python_version == '3.11.*'",
        "python_version != '3.*'", "python_full_version < '3.13.0rc1+local'",
    ]
    while len(texts) < 1500:
        texts.append(random_marker(rng))
    cases = []
    for text in texts:
        try:
            marker = Marker(text)
        except InvalidMarker:
            cases.append({"input": text, "valid": False})
            continue
        try:
            rendered = str(marker)
        except ValueError:
            continue
        cases.append({"input": text, "valid": True, "str": rendered,
                      "results": [evaluate(marker, env) for env in ENVIRONMENTS]})
    return {"environments": ENVIRONMENTS, "cases": cases}


# ----------------------------------------------------------------------------- requirements

NAMES = ["requests", "Django", "zope.interface", "foo_bar", "Foo-Bar", "a", "A1", "x.y-z_w", "pkg9",
         "ruamel.yaml", "backports.zoneinfo", "typing_extensions"]
URLS = ["https://example.com/pkg-1.0.tar.gz", "git+https://github.com/pypa/pip.git@main",
        "file:///tmp/pkg.whl", "https://h/x.whl#sha256=abc", "https://h/a;b"]
INVALID_REQUIREMENTS = ["", "   ", "-foo", "foo-", "foo.", "foo bar", "foo[", "foo[bar", "foo[bar baz]",
                        "foo[bar,]", "foo[,bar]", "foo >= 1.0 <2", "foo (>=1.0", "foo >=1.0)", "foo @",
                        "foo @ ", "foo @ https://x;python_version<'3'", "foo==1.0.*.*",
                        "foo>=1.0.*", "foo<=1.0+local", "foo ; ", "foo ;python_version", "foo==1.0;",
                        "foo;;", "foo==1.0 python_version<'3'", "foo @ https://x python_version",
                        "foo[bar] [baz]", "foo (==1.0) (==2.0)", "foo \u00e9", "\u00e9foo", "foo==\u00e91"]


def random_requirement(rng: random.Random, parsed_specs: list[str], markers: list[str]) -> str:
    text = rng.choice(NAMES)
    if rng.random() < 0.1:
        text = " " + text
    if rng.random() < 0.3:
        extras = rng.sample(["security", "socks", "Test", "dev_tools", "a.b", "x-y"], rng.randint(0, 3))
        text += rng.choice(["", " "]) + "[" + rng.choice([",", ", ", " , "]).join(extras) + "]"
    if rng.random() < 0.1:
        text += rng.choice([" @ ", "@", " @"]) + rng.choice(URLS)
        if rng.random() < 0.5:
            text += rng.choice([" ; ", " ;", "  ;  "]) + rng.choice(markers)
        return text
    if rng.random() < 0.7:
        clauses = rng.sample(parsed_specs, rng.randint(1, 2))
        spec = rng.choice([",", ", "]).join(clauses)
        text += rng.choice(["", " ", "  "]) + (f"({spec})" if rng.random() < 0.2 else spec)
    if rng.random() < 0.4:
        text += rng.choice([";", " ; ", "; ", " ;"]) + rng.choice(markers)
    if rng.random() < 0.05:
        text += " "
    return text


def generate_requirements(rng: random.Random, parsed_specs: list[str], markers: list[str]) -> list[dict]:
    texts = list(INVALID_REQUIREMENTS) + [
        "requests[security,socks] (>=2.8.1,==2.8.*) ; python_version < '2.7'", "name@http://foo.com",
        "foo_ ", "foo==1.0 ;python_version<'3'", "foo>=1.0,", "foo>=1.0, ", "foo (>=1.0,)", "foo[]", "foo[ ]",
        "PySocks!=1.5.7,>=1.5.6; extra == 'socks'", "chardet<6,>=3.0.2; extra == \"use_chardet_on_py3\"",
        "foo===1.0;python_version<'3'", "foo ===1.0 ; python_version<'3'", "foo >= 1.0", "foo>=1.0 ,<2",
        "foo >=1.0, <2 ; os_name == 'nt'", "foo==1.0+local", "foo~=1.0", "foo (~=1.0)",
    ]
    while len(texts) < 2000:
        texts.append(random_requirement(rng, parsed_specs, markers))
    cases = []
    for text in texts:
        try:
            req = Requirement(text)
            rendered = str(req)
        except InvalidRequirement:
            cases.append({"input": text, "valid": False})
            continue
        except ValueError:
            continue
        cases.append({"input": text, "valid": True, "name": req.name, "extras": sorted(req.extras),
                      "specifier": str(req.specifier), "url": req.url,
                      "marker": None if req.marker is None else str(req.marker), "str": rendered})
    return cases


# ----------------------------------------------------------------------------- names and filenames

def generate_names(rng: random.Random) -> list[dict]:
    texts = NAMES + ["", "-", "_a", "a_", "a..b", "A__B", "a-_.-b", "\u00e9", "Caf\u00e9", "a b", "a/b",
                     "ZOPE.Interface", "1", "a1-", "a.b.c", "x" * 50, "foo\u2028", "---", "a--b", "a-b"]
    alphabet = "abcXYZ019.-_"
    while len(texts) < 800:
        texts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 10))))
    cases = []
    for text in texts:
        try:
            canonicalize_name(text, validate=True)
            valid = True
        except Exception:
            valid = False
        cases.append({"input": text, "normalized": canonicalize_name(text), "valid": valid,
                      "is_normalized": is_normalized_name(text)})
    return cases


TAGS = ["py3-none-any", "py2.py3-none-any", "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64",
        "cp311-cp311-win_amd64", "cp311-abi3-macosx_10_9_universal2", "pp39-pypy39_pp73-linux_x86_64",
        "CP311-CP311-WIN32", "py3-none-any.whatever", "cp36.cp37-cp36m.cp37m-linux_x86_64",
        "py3-none", "py3-none-any-extra", "py3--any", "py3.-none-any", "3py-none-any", "py_3-none-any",
        "\u00e9-none-any"]


def generate_wheel_filenames(rng: random.Random, valid_versions: list[str]) -> list[dict]:
    texts = ["foo-1.0-py3-none-any.whl", "foo-1.0-1-py3-none-any.whl", "foo-1.0-1abc-py3-none-any.whl",
             "foo-1.0-abc-py3-none-any.whl", "foo-1.0-py3-none-any.zip", "foo-1.0-none-any.whl",
             "foo-bar-1.0-py3-none-any.whl", "foo__bar-1.0-py3-none-any.whl", "Foo.Bar-1.0-py3-none-any.whl",
             "-1.0-py3-none-any.whl", "foo-1.0.0-py3-none-any.whl", "foo-1.0_post1-py3-none-any.whl",
             "foo-x-py3-none-any.whl", "caf\u00e9-1.0-py3-none-any.whl", "foo-1.0-01-py3-none-any.whl"]
    names = ["foo", "Foo_Bar", "zope.interface", "a", "typing_extensions", "MarkupSafe", "foo-bar"]
    while len(texts) < 1200:
        name = rng.choice(names)
        version = rng.choice(valid_versions).strip()
        build = rng.choice(["", "", "", "-1", "-2abc", "-0"])
        tag = rng.choice(TAGS)
        text = f"{name}-{version}{build}-{tag}.whl"
        if rng.random() < 0.1:
            text = mutate(rng, text)
        texts.append(text)
    cases = []
    for text in texts:
        try:
            name, version, build, tags = parse_wheel_filename(text)
        except InvalidWheelFilename:
            cases.append({"input": text, "valid": False})
            continue
        cases.append({"input": text, "valid": True, "name": name, "version": str(version),
                      "build": [str(build[0]), build[1]] if build else None,
                      "tags": sorted(str(tag) for tag in tags)})
    return cases


def generate_sdist_filenames(rng: random.Random, valid_versions: list[str]) -> list[dict]:
    texts = ["foo-1.0.tar.gz", "foo-1.0.zip", "foo-bar-1.0.tar.gz", "foo.tar.gz", "-1.0.tar.gz",
             "foo-1.0.tar.bz2", "foo-x.tar.gz", "Foo_Bar-1.0a1.tar.gz", "foo-1.0-1.tar.gz"]
    while len(texts) < 500:
        name = rng.choice(["foo", "Foo_Bar", "zope.interface", "foo-bar", "a"])
        text = f"{name}-{rng.choice(valid_versions).strip()}{rng.choice(['.tar.gz', '.zip'])}"
        if rng.random() < 0.1:
            text = mutate(rng, text)
        texts.append(text)
    cases = []
    for text in texts:
        try:
            name, version = parse_sdist_filename(text)
        except InvalidSdistFilename:
            cases.append({"input": text, "valid": False})
            continue
        cases.append({"input": text, "valid": True, "name": name, "version": str(version)})
    return cases


# ----------------------------------------------------------------------------- corpus metadata

def read_metadata(path: Path) -> bytes | None:
    name = path.name
    if name.endswith(".whl"):
        with zipfile.ZipFile(path) as archive:
            entries = [n for n in archive.namelist()
                       if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
            return archive.read(entries[0])
    if name.endswith(".tar.gz"):
        with tarfile.open(path) as archive:
            for member in archive.getmembers():
                parts = member.name.split("/")
                if len(parts) == 2 and parts[1] == "PKG-INFO":
                    return archive.extractfile(member).read()
    return None


def generate_corpus(corpus: Path) -> list[dict]:
    cases = []
    for path in sorted(corpus.iterdir()):
        metadata = read_metadata(path)
        if metadata is None:
            continue
        raw, unparsed = parse_email(metadata)
        if path.name.endswith(".whl"):
            name, version, _, _ = parse_wheel_filename(path.name)
        else:
            name, version = parse_sdist_filename(path.name)
        cases.append({"filename": path.name, "name": name, "version": str(version), "raw": raw,
                      "unparsed": sorted(unparsed)})
    return cases


# ----------------------------------------------------------------------------- digests

def generate_digests() -> list[dict]:
    """hashlib's answers for inputs around BLAKE2b's 128-byte block and the zip buffer sizes."""
    import hashlib

    cases = []
    key = bytes(range(64))
    for length in [0, 1, 3, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1000, 4096, 65536, 100_003]:
        data = bytes((index * 7 + length) % 256 for index in range(length))
        cases.append({
            "length": length, "sha256": hashlib.sha256(data).hexdigest(), "md5": hashlib.md5(data).hexdigest(),
            "blake2b_256": hashlib.blake2b(data, digest_size=32).hexdigest(),
            "blake2b_512": hashlib.blake2b(data).hexdigest(),
            "blake2b_512_keyed": hashlib.blake2b(data, key=key).hexdigest(),
        })
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="the directory of real distributions")
    parser.add_argument("--out", type=Path, required=True, help="where to write the vector files")
    parser.add_argument("--digests-out", type=Path, required=True, help="where to write digests.json")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"error: no corpus at {args.corpus}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    versions, valid = generate_versions(rng, args.corpus)
    write(args.out, "versions.json", {"cases": versions})
    pairs, sample, ordered = generate_orderings(rng, valid)
    write(args.out, "version_order.json", {"pairs": pairs, "sample": sample, "sorted": ordered})
    specifiers = generate_specifiers(rng, valid)
    write(args.out, "specifiers.json", specifiers)
    markers = generate_markers(rng)
    write(args.out, "markers.json", markers)
    parsed_specs = [case["input"] for case in specifiers["parse"] if case["valid"]]
    valid_markers = [case["input"] for case in markers["cases"] if case["valid"]]
    write(args.out, "requirements.json", {"cases": generate_requirements(rng, parsed_specs, valid_markers)})
    write(args.out, "names.json", {"cases": generate_names(rng)})
    write(args.out, "wheel_filenames.json", {"cases": generate_wheel_filenames(rng, valid)})
    write(args.out, "sdist_filenames.json", {"cases": generate_sdist_filenames(rng, valid)})
    write(args.out, "corpus_metadata.json", {"cases": generate_corpus(args.corpus)})
    args.digests_out.mkdir(parents=True, exist_ok=True)
    write(args.digests_out, "digests.json", {"cases": generate_digests()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
