#!/usr/bin/env python3
"""Checks that scripts/deps.sh installs every dependency meson needs: the build list covers what
the default `meson setup` requires, and the build and check lists together cover what `make check`
(-Dunit_tests=enabled) requires. It reads the meson files the way meson walks them (subdir() from
the top; a subdir() under `if get_option('x')` only when that option is on) and maps each
dependency(), find_library() and find_program() call to its Debian package. TAP output.

Usage: deps_check.py SOURCE_ROOT"""

import os
import re
import subprocess
import sys
from pathlib import Path

# What each name that meson looks for comes from on Debian. None: always there (libc, an
# Essential package). A name missing here fails the check: add it, and the package to deps.sh.
PACKAGES = {
    ("dependency", "threads"): None,
    ("dependency", "libmicrohttpd"): "libmicrohttpd-dev",
    ("dependency", "jansson"): "libjansson-dev",
    ("dependency", "libsodium"): "libsodium-dev",
    ("dependency", "libcurl"): "libcurl4-openssl-dev",
    ("dependency", "sqlite3"): "libsqlite3-dev",
    ("dependency", "libpq"): "libpq-dev",
    ("dependency", "libgit2"): "libgit2-dev",
    ("dependency", "libcmark-gfm"): "libcmark-gfm-dev",
    ("dependency", "zlib"): "zlib1g-dev",
    ("dependency", "cmocka"): "libcmocka-dev",
    ("find_library", "cmark-gfm-extensions"): "libcmark-gfm-extensions-dev",
    ("find_program", "bash"): None,
    ("find_program", "python3"): "python3",
}
# What configuring and compiling needs before any meson.build is read.
TOOLCHAIN = ["meson", "ninja-build", "pkg-config", "build-essential"]

CALL = re.compile(r"\b(dependency|find_library|find_program)\(\s*'([^']+)'"
                  r"((?:[^()]|\([^()]*\))*)\)")
SUBDIR = re.compile(r"^\s*subdir\(\s*'([^']+)'\s*\)")
IF_OPTION = re.compile(r"^\s*if\s+get_option\(\s*'([^']+)'\s*\)\s*$")
REQUIRED = re.compile(r"required\s*:\s*(false|true|get_option\(\s*'([^']+)'\s*\))")


def options(root):
    """The default value of every option in meson_options.txt, as meson would read it."""
    found = {}
    text = (root / "meson_options.txt").read_text()
    for match in re.finditer(r"option\(\s*'([^']+)'(.*?)\)\s*$", text, re.S | re.M):
        value = re.search(r"value\s*:\s*('([^']*)'|true|false)", match.group(2))
        if value:
            found[match.group(1)] = value.group(2) if value.group(2) is not None else value.group(1)
    return found


def is_on(value):
    """Whether an option's value turns a conditional part (`if get_option(...)`) on."""
    return value in ("true", "enabled")


def is_required(args, opts):
    """Whether a call with these arguments stops `meson setup` when its target is missing."""
    match = REQUIRED.search(args)
    if not match:
        return True
    if match.group(1) in ("true", "false"):
        return match.group(1) == "true"
    # A feature option: only 'enabled' makes the dependency required.
    return opts.get(match.group(2)) == "enabled"


def statements(text):
    """The file's statements without comments, a call that spans lines joined into one."""
    pending = ""
    for line in text.splitlines():
        pending += " " + line.split("#", 1)[0]
        if pending.count("(") + pending.count("[") <= pending.count(")") + pending.count("]"):
            yield pending
            pending = ""
    if pending.strip():
        yield pending


def walk(directory, opts, calls):
    """Collects the required calls of directory/meson.build and of the subdirs it enters."""
    skipped = []  # stack: is each enclosing branch one that meson does not enter?
    if_options = []  # stack: is each enclosing `if` a plain get_option()?
    for code in statements((directory / "meson.build").read_text()):
        if_option = IF_OPTION.match(code)
        if if_option:
            skipped.append(not is_on(opts.get(if_option.group(1), "false")))
            if_options.append(True)
            continue
        if re.match(r"^\s*if\b", code):
            # Any other condition: both branches count, whatever meson would decide.
            skipped.append(False)
            if_options.append(False)
            continue
        if re.match(r"^\s*else\b", code) and if_options[-1]:
            skipped[-1] = not skipped[-1]
            continue
        if re.match(r"^\s*endif\b", code):
            skipped.pop()
            if_options.pop()
            continue
        if any(skipped):
            continue
        subdir = SUBDIR.match(code)
        if subdir:
            walk(directory / subdir.group(1), opts, calls)
            continue
        for kind, name, args in CALL.findall(code):
            if is_required(args, opts):
                calls.append((kind, name, str(directory / "meson.build")))


def deps_list(root, which):
    """The packages that `scripts/deps.sh which` installs."""
    out = subprocess.run([str(root / "scripts/deps.sh"), "--list", which], check=True,
                         capture_output=True, text=True).stdout
    return set(out.split())


def check(root, title, overrides, packages, results):
    """Appends one (ok, description) per required call of a setup with these option values."""
    opts = options(root)
    opts.update(overrides)
    calls = []
    walk(root, opts, calls)
    for package in TOOLCHAIN:
        results.append((package in packages, f"{title}: toolchain package {package} is listed"))
    for kind, name, where in calls:
        if (kind, name) not in PACKAGES:
            results.append((False, f"{title}: {kind}('{name}') in {where} has no Debian package "
                                   "in tests/deps_check.py"))
            continue
        package = PACKAGES[(kind, name)]
        ok = package is None or package in packages
        results.append((ok, f"{title}: {kind}('{name}') needs {package or 'nothing'}, "
                            f"{'listed' if ok else 'missing from scripts/deps.sh'}"))


def owner(kind, name):
    """The installed Debian package that holds the file meson finds for this call, or None."""
    if kind == "dependency":
        probe = subprocess.run(["pkg-config", "--path", name], capture_output=True, text=True)
    else:
        probe = subprocess.run(["cc", f"-print-file-name=lib{name}.so"], capture_output=True,
                               text=True)
    path = probe.stdout.strip()
    if probe.returncode != 0 or not path.startswith("/"):
        return None
    # The path as found (the -dev package's symlink), not what it points to.
    found = subprocess.run(["dpkg", "-S", os.path.normpath(path)], capture_output=True,
                           text=True)
    if found.returncode != 0:
        return None
    return found.stdout.split(":", 1)[0].strip()


def check_map(results):
    """Appends one result per library of PACKAGES that is installed here: dpkg agrees."""
    for (kind, name), package in PACKAGES.items():
        if package is None or kind == "find_program":
            continue
        actual = owner(kind, name)
        if actual is None:
            results.append((True, f"map: {kind}('{name}') # SKIP not installed here"))
            continue
        results.append((actual == package, f"map: {kind}('{name}') comes from {actual}, "
                                            f"the map says {package}"))


def main():
    root = Path(sys.argv[1]).resolve()
    build = deps_list(root, "build")
    results = []
    check(root, "meson setup", {}, build, results)
    check(root, "make check", {"unit_tests": "enabled"}, build | deps_list(root, "check"),
          results)
    check_map(results)
    print(f"1..{len(results)}")
    for number, (ok, description) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {number} - {description}")
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
