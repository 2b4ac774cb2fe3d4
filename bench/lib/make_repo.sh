#!/usr/bin/env bash
# Generated bare repositories for the benchmarks, fast (git fast-import from a generated stream):
#
#   bench/lib/make_repo.sh DIR COMMITS           a linear history of COMMITS commits on main, each
#                                                changing one of 100 small files, one minute apart
#   bench/lib/make_repo.sh --keys DIR COMMITS    as the first, but 30 % of the messages name an
#                                                issue key (PROJ-1 … PROJ-5000, some lower-cased)
#                                                and one commit in 10 is a merge of a side branch
#   bench/lib/make_repo.sh --large DIR FILES MB  one commit on main with FILES files of MB MiB of
#                                                random (incompressible) bytes each
#   bench/lib/make_repo.sh --tree DIR COMMITS    a linear history of COMMITS commits on main over a
#                                                tree of 2,000 files of 40 lines in 100 folders and a
#                                                README.md: the first commit adds them, each later one
#                                                edits one line of one file, one minute apart
#
# DIR must not exist. Prints nothing on success; needs git and python3.
set -eu

die() {
	echo "bench/lib/make_repo: $*" >&2
	exit 1
}

history() { # COMMITS
	python3 - "$1" <<'PY'
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
start = 1500000000
for i in range(1, n + 1):
    body = b"change %d\n" % i
    msg = b"Change number %d\n\nA generated commit for the benchmark.\n" % i
    out.write(b"commit refs/heads/main\nmark :%d\n" % i)
    out.write(b"author Bench Author <bench@example.com> %d +0000\n" % (start + 60 * i))
    out.write(b"committer Bench Author <bench@example.com> %d +0000\n" % (start + 60 * i))
    out.write(b"data %d\n%s" % (len(msg), msg))
    if i > 1:
        out.write(b"from :%d\n" % (i - 1))
    out.write(b"M 100644 inline file%02d.txt\ndata %d\n%s\n" % (i % 100, len(body), body))
PY
}

keyed() { # COMMITS
	python3 - "$1" <<'PY'
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
start = 1500000000
for i in range(1, n + 1):
    body = b"change %d\n" % i
    subject = b"Change number %d" % i
    if i % 10 in (1, 4, 7):
        key = b"PROJ-%d" % (1 + (i * 7) % 5000)
        subject = (key.lower() if i % 50 == 1 else key) + b": " + subject
    msg = subject + b"\n\nA generated commit for the connector's benchmark.\n"
    side = i % 10 == 0 and i > 2
    out.write(b"commit refs/heads/main\nmark :%d\n" % i)
    out.write(b"author Bench Author <bench@example.com> %d +0000\n" % (start + 60 * i))
    out.write(b"committer Bench Author <bench@example.com> %d +0000\n" % (start + 60 * i))
    out.write(b"data %d\n%s" % (len(msg), msg))
    if i > 1:
        out.write(b"from :%d\n" % (i - (2 if side else 1)))
    if side:
        out.write(b"merge :%d\n" % (i - 1))
    out.write(b"M 100644 inline file%02d.txt\ndata %d\n%s\n" % (i % 100, len(body), body))
PY
}

large() { # FILES MB
	python3 - "$1" "$2" <<'PY'
import os, sys
files, mib = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
size = mib * 1024 * 1024
for f in range(1, files + 1):
    out.write(b"blob\nmark :%d\ndata %d\n" % (f, size))
    left = size
    while left:
        chunk = os.urandom(min(left, 1 << 20))
        out.write(chunk)
        left -= len(chunk)
    out.write(b"\n")
msg = b"%d large files\n" % files
out.write(b"commit refs/heads/main\n")
out.write(b"author Bench Author <bench@example.com> 1500000000 +0000\n")
out.write(b"committer Bench Author <bench@example.com> 1500000000 +0000\n")
out.write(b"data %d\n%s" % (len(msg), msg))
for f in range(1, files + 1):
    out.write(b"M 100644 :%d large%02d.bin\n" % (f, f))
out.write(b"\n")
PY
}

tree() { # COMMITS
	python3 - "$1" <<'PY'
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
start = 1500000000
FOLDERS, FILES, LINES = 100, 20, 40
def path(f):
    return b"src/module%02d/part%02d.txt" % (f // FILES, f % FILES)
def content(f, edit):  # edit: (line, commit) or None
    lines = [b"Line %d of %s: a small text file in a generated tree." % (k + 1, path(f))
             for k in range(LINES)]
    if edit:
        lines[edit[0]] = b"Line %d, edited by change %d." % (edit[0] + 1, edit[1])
    return b"\n".join(lines) + b"\n"
def blob(data):
    out.write(b"data %d\n%s\n" % (len(data), data))
readme = (b"# Generated tree\n\nA repository of %d commits over %d files in %d folders, "
          b"made for the browsing benchmark.\n" % (n, FOLDERS * FILES, FOLDERS))
for i in range(1, n + 1):
    msg = b"Change number %d\n\nA generated commit for the benchmark.\n" % i
    out.write(b"commit refs/heads/main\nmark :%d\n" % i)
    out.write(b"author Bench Author <bench@example.com> %d +0000\n" % (start + 60 * i))
    out.write(b"committer Bench Author <bench@example.com> %d +0000\n" % (start + 60 * i))
    out.write(b"data %d\n%s" % (len(msg), msg))
    if i == 1:
        out.write(b"M 100644 inline README.md\n")
        blob(readme)
        for f in range(FOLDERS * FILES):
            out.write(b"M 100644 inline %s\n" % path(f))
            blob(content(f, None))
        continue
    out.write(b"from :%d\n" % (i - 1))
    f = (i * 7919) % (FOLDERS * FILES)
    out.write(b"M 100644 inline %s\n" % path(f))
    blob(content(f, (i % LINES, i)))
PY
}

if [ "${1:-}" = --large ]; then
	[ $# = 4 ] || die "usage: make_repo.sh --large DIR FILES MB"
	dir=$2
	stream() { large "$3" "$4"; }
elif [ "${1:-}" = --keys ]; then
	[ $# = 3 ] || die "usage: make_repo.sh --keys DIR COMMITS"
	dir=$2
	stream() { keyed "$3"; }
elif [ "${1:-}" = --tree ]; then
	[ $# = 3 ] || die "usage: make_repo.sh --tree DIR COMMITS"
	dir=$2
	stream() { tree "$3"; }
else
	[ $# = 2 ] || die "usage: make_repo.sh DIR COMMITS"
	dir=$1
	stream() { history "$2"; }
fi
[ ! -e "$dir" ] || die "$dir exists"
git init -q --bare "$dir"
git --git-dir="$dir" symbolic-ref HEAD refs/heads/main
# fast-import allocates and frees a little for each object, and glibc's malloc gives the top of the
# heap back to the kernel each time and asks for it again (12 brk calls a commit): on a virtual
# machine whose freed pages go back to the host, that was 45 CPU-seconds of the 100,000-commit
# repository of track_dvcs_sync, 10 with a 64 MiB pad kept at the top of the heap.
stream "$@" | MALLOC_TOP_PAD_=67108864 git --git-dir="$dir" -c core.bigFileThreshold=1g fast-import --quiet ||
	die "git fast-import failed"
