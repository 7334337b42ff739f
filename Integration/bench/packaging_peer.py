#!/usr/bin/env python3
"""The Python side of Integration/bench/packaging: the same figures with pypa/packaging."""
import json
import os
import sys
import time

from packaging.metadata import parse_email
from packaging.version import Version

METADATA_REPETITIONS = 30


def best(rounds, body):
    fastest = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        body()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest


def main():
    versions_file, metadata_dir, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(versions_file, encoding="utf-8") as handle:
        texts = handle.read().split("\n")
    texts = [t for t in texts if t]
    files = []
    for name in sorted(os.listdir(metadata_dir)):
        with open(os.path.join(metadata_dir, name), "rb") as handle:
            files.append(handle.read())
    parsed = []

    def parse():
        parsed[:] = [Version(t) for t in texts]

    parse_seconds = best(rounds, parse)
    sort_seconds = best(rounds, lambda: sorted(parsed))
    # Each round reads every file METADATA_REPETITIONS times, as the Swift side does.
    metadata_seconds = best(rounds, lambda: [parse_email(data) for _ in range(METADATA_REPETITIONS) for data in files])
    print(json.dumps({
        "versions": len(texts),
        "versions_parsed_per_second": int(len(texts) / parse_seconds),
        "versions_sorted_per_second": int(len(parsed) / sort_seconds),
        "versions_parsed_and_sorted_per_second": int(len(parsed) / (parse_seconds + sort_seconds)),
        "metadata_files": len(files),
        "metadata_files_per_second": int(len(files) * METADATA_REPETITIONS / metadata_seconds),
    }))


if __name__ == "__main__":
    main()
