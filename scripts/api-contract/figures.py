#!/usr/bin/env python3
"""Prints one schemathesis run's figures: operations tested, test cases
(requests) generated, failures by kind. Usage: figures.py REPORT.xml RUN.log LABEL"""
import collections, re, sys
import xml.etree.ElementTree as ET

report, log, label = sys.argv[1:4]
operations, kinds = set(), collections.Counter()
for case in ET.parse(report).getroot().iter("testcase"):
    name = case.get("name", "")
    if re.match(r"(GET|POST|PUT|DELETE|PATCH) /", name):
        operations.add(name)
    for p in case.findall("failure") + case.findall("error"):
        text = (p.get("message") or "") + (p.text or "")
        for kind in re.findall(r"^- (ST\d+ .+)$", text, re.M) or ["error"]:
            kinds[kind.strip()] += 1
text = open(log, encoding="utf-8", errors="replace").read()
m = re.search(r"Test cases:\s*\n\s*(\d+) generated", text)
cases = m.group(1) if m else "?"
failures = sum(kinds.values())
print(f"{label}: {len(operations)} operations, {cases} test cases, {failures} failures"
      + "".join(f"; {k}: {n}" for k, n in kinds.most_common()))
