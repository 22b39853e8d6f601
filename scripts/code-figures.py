#!/usr/bin/env python3
"""The house's figures, read from src/: files over 400 lines (the generated
schema aside), functions over 80 lines, import cycles between top-level
modules, and (with the `duplicates` tool, when present) repeated runs of 10+
lines. Usage: python3 scripts/code-figures.py [--list]"""
import os, re, subprocess, sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
LIST = "--list" in sys.argv

def rust_files():
    for root, _, files in os.walk(SRC):
        for f in files:
            if f.endswith(".rs"):
                yield os.path.join(root, f)

def strip(text):
    # Drop comments and string/char literals so braces inside them do not count.
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i); i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2); i = n if j < 0 else j + 2
        elif text.startswith('r#"', i) or text.startswith('r"', i):
            hashes = 1 if text.startswith('r#"', i) else 0
            end = '"' + "#" * hashes
            j = text.find(end, i + 2 + hashes); seg = text[i:(n if j < 0 else j + len(end))]
            out.append("\n" * seg.count("\n")); i += len(seg)
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append("\n" * text[i:j].count("\n")); i = j + 1
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:i + 4] or ""):
            m = re.match(r"'(\\.|[^\\'])'", text[i:]); i += m.end()
        else:
            out.append(c); i += 1
    return "".join(out)

def functions(path):
    text = strip(open(path, encoding="utf-8").read())
    lines = text.split("\n")
    in_test = None
    for m in re.finditer(r"\bfn\s+(\w+)[^;{]*\{", text):
        start = text.count("\n", 0, m.start())
        depth, j = 0, m.end() - 1
        while j < len(text):
            if text[j] == "{": depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0: break
            j += 1
        end = text.count("\n", 0, j)
        yield m.group(1), start + 1, end - start + 1

def is_test_region(path, line):
    text = open(path, encoding="utf-8").read().split("\n")
    for k in range(line - 1, -1, -1):
        if text[k].startswith("#[cfg(test)]"):
            return True
    return False

big_files, long_fns = [], []
for p in sorted(rust_files()):
    rel = os.path.relpath(p, SRC)
    n = sum(1 for _ in open(p, encoding="utf-8"))
    if n > 400 and rel != os.path.join("db", "schema.rs"):
        big_files.append((n, rel))
    for name, line, length in functions(p):
        if length > 80 and not is_test_region(p, line):
            long_fns.append((length, f"{rel}:{line} {name}"))

# Top-level modules and who they import.
mods = sorted({os.path.relpath(p, SRC).split(os.sep)[0].removesuffix(".rs") for p in rust_files()} - {"lib", "main"})
edges = {m: set() for m in mods}
for p in rust_files():
    rel = os.path.relpath(p, SRC)
    me = rel.split(os.sep)[0].removesuffix(".rs")
    if me not in edges: continue
    text = strip(open(p, encoding="utf-8").read())
    # `use crate::x`, `crate::x::`, and grouped `use crate::{x, y}`.
    for m in re.finditer(r"crate::(\w+)", text):
        if m.group(1) in edges and m.group(1) != me: edges[me].add(m.group(1))
    for m in re.finditer(r"crate::\{([^}]*)\}", text):
        for part in re.findall(r"(?:^|,)\s*(\w+)", m.group(1)):
            if part in edges and part != me: edges[me].add(part)

# Strongly connected components (Tarjan).
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = counter[0]; counter[0] += 1; stack.append(v); on.add(v)
    for w in edges[v]:
        if w not in index: visit(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: sccs.append(sorted(comp))
sys.setrecursionlimit(10000)
for v in mods:
    if v not in index: visit(v)

print(f"files over 400 lines: {len(big_files)}")
if LIST:
    for n, f in sorted(big_files, reverse=True): print(f"  {n:5} {f}")
print(f"functions over 80 lines: {len(long_fns)}")
if LIST:
    for n, f in sorted(long_fns, reverse=True): print(f"  {n:5} {f}")
print(f"import cycles between top-level modules: {len(sccs)}")
for c in sccs: print("  cycle: " + " ↔ ".join(c))
if LIST:
    for m in mods: print(f"  {m} → {', '.join(sorted(edges[m])) or '-'}")
try:
    out = subprocess.run(["duplicates", "--repo", SRC, "--min-lines", "10", "--most", "200"],
                         capture_output=True, text=True, timeout=120).stdout
    first = out.splitlines()[0] if out else "duplicates: no output"
    print(f"duplicates --min-lines 10 in src/: {first}")
    if LIST: print(out)
except FileNotFoundError:
    print("duplicates: the tool is not installed here")
