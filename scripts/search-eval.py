#!/usr/bin/env python3
"""Measures search against a running onestop, from outside.

  python3 scripts/search-eval.py http://127.0.0.1:8080            # phrasings
  python3 scripts/search-eval.py http://127.0.0.1:8080 --all      # + the not-first
  python3 scripts/search-eval.py http://127.0.0.1:8080 --speed    # + speed

Phrasings: tests/data/search_phrasings.tsv, asked of /api/v1/services?q= in
the WUHAI hall; prints the share whose item comes first and within the first
three, and the misses. Speed: the search API (the phrasings in turn) against
the plain catalogue API (no q), alternating rounds in the same run, each
round a fixed number of sequential requests; prints medians and the ratio.
"""
import json
import pathlib
import statistics
import sys
import time
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=30) as r:
        return json.loads(r.read())


def phrasings():
    for line in (ROOT / "tests/data/search_phrasings.tsv").read_text().splitlines():
        if line and not line.startswith("#"):
            q, expected = line.split("\t")
            yield q, expected.split("|")


def main():
    base = sys.argv[1].rstrip("/")
    hall = next(h["id"] for h in get(base, "/api/v1/halls") if h["code"] == "WUHAI")
    cases = list(phrasings())
    first = top3 = 0
    misses = []
    for q, expected in cases:
        path = f"/api/v1/services?hall_id={hall}&q={urllib.parse.quote(q)}"
        names = [s["name"] for s in get(base, path)]
        if names[:1] and names[0] in expected:
            first += 1
        elif "--all" in sys.argv:
            misses.append(("not first", q, names[:3]))
        if any(n in expected for n in names[:3]):
            top3 += 1
        else:
            misses.append(("not in top 3", q, names[:3]))
    n = len(cases)
    print(f"phrasings {n}: first {first} ({first / n:.1%}), top 3 {top3} ({top3 / n:.1%})")
    for how, q, got in misses:
        print(f"  {how}: {q} -> {' / '.join(got) or '(nothing)'}")
    if "--speed" in sys.argv:
        speed(base, hall, [q for q, _ in cases])


def speed(base, hall, queries, rounds=7, per_round=120):
    plain = f"/api/v1/services?hall_id={hall}"
    searched = [f"{plain}&q={urllib.parse.quote(q)}" for q in queries]

    def run(paths):
        start = time.perf_counter()
        for i in range(per_round):
            get(base, paths[i % len(paths)])
        return (time.perf_counter() - start) / per_round * 1000

    run([plain]), run(searched)  # warm both
    cat, srch = [], []
    for _ in range(rounds):
        cat.append(run([plain]))
        srch.append(run(searched))
    c, s = statistics.median(cat), statistics.median(srch)
    print(f"catalogue API {c:.2f} ms/request, search API {s:.2f} ms/request "
          f"(medians of {rounds} alternating rounds of {per_round}); "
          f"search takes {s / c:.2f}x the catalogue's time")


if __name__ == "__main__":
    main()
