#!/usr/bin/env python3
"""Checks the include graph of src/ (STYLE.md §1): no module (a .c/.h pair) includes, through
any chain, a module that includes it back, and no layer includes a header of a later layer
(base → db → web → mail → hub | track → cli; hub and track never include each other).
Prints TAP; exits 1 on any finding. Usage: include_cycles.py SRC_DIR"""
import os
import re
import sys

LAYERS = {"base": 0, "db": 1, "web": 2, "mail": 3, "hub": 4, "track": 4, "cli": 5}
# The services' route tables are their composition roots, as main.c is the program's: they
# include every handler's header by design, so their own includes are not edges of the graph.
ROOTS = {"hub/hub.c", "track/track.c"}
# Cycles that main gained after issue #17's clean-up, each to be broken by its feature's owner:
# listed here so that the check still fails on any other cycle, and on an entry that no longer
# occurs (delete it then). Each is the exact set of modules of one strongly connected component.
# Empty: a new cycle fails the check; break it with a leaf module that both sides include.
KNOWN = set()
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def includes(src):
    """{file: the src/ headers it includes}, files named relative to src."""
    out = {}
    for root, _, files in os.walk(src):
        for name in files:
            if name.endswith((".c", ".h")):
                path = os.path.join(root, name)
                with open(path, encoding="utf-8") as f:
                    found = INCLUDE.findall(f.read())
                out[os.path.relpath(path, src)] = [
                    h for h in found if h.endswith(".h") and os.path.exists(os.path.join(src, h))
                ]
    return out


def modules(src):
    """{module: set of modules it includes}, a module being a .c file with its .h (the path
    without the extension). A header without a .c (an interface such as db/backend.h, or a
    private struct such as web/server_internal.h) is no module of its own: what it includes
    counts for each module that includes it."""
    incs = includes(src)
    is_module = {f[:-2] for f in incs if f.endswith(".c")}

    def reach(header, seen):
        """The modules header stands for: itself, or through a header-only file its includes."""
        if header[:-2] in is_module or header in seen:
            return {header[:-2]} if header[:-2] in is_module else set()
        seen.add(header)
        found = set()
        for h in incs.get(header, []):
            found |= reach(h, seen)
        return found

    graph = {}
    for f, headers in incs.items():
        mod = f[:-2]
        if mod not in is_module:
            continue
        deps = graph.setdefault(mod, set())
        if f in ROOTS:
            continue
        for h in headers:
            deps |= reach(h, set())
        deps.discard(mod)
    return graph


def layer(mod):
    top = mod.split("/")[0]
    return top, LAYERS.get(top)


def layer_errors(graph):
    errors = []
    for mod, deps in sorted(graph.items()):
        top, rank = layer(mod)
        for dep in sorted(deps):
            dtop, drank = layer(dep)
            if rank is None or drank is None:
                continue
            if drank > rank or (drank == rank and dtop != top):
                errors.append(f"{mod} ({top}) includes {dep}.h ({dtop})")
    return errors


def cycles(graph):
    """Each strongly connected component of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../src")
    graph = modules(src)
    every = cycles(graph)
    found = [c for c in every if frozenset(c) not in KNOWN]
    stale = [k for k in KNOWN if sorted(k) not in every]
    layers = layer_errors(graph)
    print("1..2")
    bad = found or stale
    print(("ok" if not bad else "not ok") + " 1 - no include cycles between modules")
    for comp in every:
        known = " (known, to break)" if frozenset(comp) in KNOWN else ""
        print("# cycle%s: %s" % (known, " <-> ".join(comp)))
    for k in stale:
        print("# no longer a cycle, delete it from KNOWN: " + ", ".join(sorted(k)))
    print(("ok" if not layers else "not ok") + " 2 - no layer includes a later layer")
    for e in layers:
        print("# " + e)
    return 1 if bad or layers else 0


if __name__ == "__main__":
    sys.exit(main())
