#!/usr/bin/env bash
# A generated repository of bench/lib/make_repo.sh, made once and shared by every build folder,
# benchmark and test that asks for the same one:
#
#   bench/lib/cached_repo.sh CACHE MODE ARGS...   prints the path of the bare repository that
#                                                 `make_repo.sh MODE DIR ARGS...` makes (MODE is
#                                                 --keys, --tree, --large or - for the plain history)
#
# The repository lives in CACHE, named by its arguments and by the generator's version (a digest of
# make_repo.sh), so a changed generator makes a new one. It is generated under a lock and renamed
# into place when complete: two callers at once generate it once, and neither sees half of it.
set -eu

die() {
	echo "bench/lib/cached_repo: $*" >&2
	exit 1
}

[ $# -ge 3 ] || die "usage: cached_repo.sh CACHE MODE ARGS..."
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=$1
mode=$2
shift 2
version=$(sha256sum "$here/make_repo.sh" | cut -c 1-12)
name=${mode#--}
[ "$name" != - ] || name=history
for arg in "$@"; do
	case $arg in *[!0-9]*) die "not a number: $arg" ;; esac
	name=$name-$arg
done
repo=$cache/$name-$version.git

mkdir -p "$cache" || die "cannot create $cache"
exec 9>"$cache/.lock" || die "cannot open $cache/.lock"
flock 9 || die "cannot lock $cache/.lock"
if [ ! -d "$repo" ]; then
	tmp=$(mktemp -d "$cache/.$name.XXXXXX") || die "cannot create a folder in $cache"
	echo "generating $repo ..." >&2
	if [ "$mode" = - ]; then
		bash "$here/make_repo.sh" "$tmp/repo.git" "$@" || { rm -rf "$tmp"; die "make_repo failed"; }
	else
		bash "$here/make_repo.sh" "$mode" "$tmp/repo.git" "$@" ||
			{ rm -rf "$tmp"; die "make_repo failed"; }
	fi
	mv -T "$tmp/repo.git" "$repo" || { rm -rf "$tmp"; die "cannot move the repository into $cache"; }
	rmdir "$tmp"
fi
echo "$repo"
