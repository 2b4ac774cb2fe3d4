#!/usr/bin/env bash
# Installs the Debian packages that weft's build, tests and benchmarks need. Idempotent: it asks
# dpkg what is missing, runs `apt-get update` only when something is, and installs only that.
# Usage: scripts/deps.sh [build|check|bench|all]   (default: all)
#        scripts/deps.sh --list build|check|bench   prints that list, one package a line
#        (tests/deps_check.py compares the build list with what meson requires)
set -euo pipefail

build_packages=(
  build-essential meson ninja-build pkg-config git python3
  libmicrohttpd-dev libjansson-dev libsodium-dev libcurl4-openssl-dev libsqlite3-dev libpq-dev
  libgit2-dev libcmark-gfm-dev libcmark-gfm-extensions-dev zlib1g-dev
  # cmocka too, so that `meson setup` finds every dependency it can ask for, whatever unit_tests says
  libcmocka-dev
)
check_packages=(
  clang libclang-rt-14-dev lld clang-format curl python3 ca-certificates postgresql
  python3-aiosmtpd chromium
)
bench_packages=(wrk nginx-light procps fcgiwrap cgit fossil)
# The API conformance tests (tests/conformance) and the browser tests (tests/browser) run on
# Node.js with npm (20 or later: playwright-core needs it). A Node.js installed some other way
# (NodeSource's, whose nodejs package brings npm, or nvm) is used as it is; Debian's packages only
# when there is none (Debian 12's is 18: the browser tests then say what is missing).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  check_packages+=(nodejs npm)
fi

if [[ ${1:-} == --list ]]; then
  case "${2:-}" in
    build) printf '%s\n' "${build_packages[@]}" ;;
    check) printf '%s\n' "${check_packages[@]}" ;;
    bench) printf '%s\n' "${bench_packages[@]}" ;;
    *) echo "usage: scripts/deps.sh --list build|check|bench" >&2; exit 2 ;;
  esac
  exit 0
fi

case "${1:-all}" in
  build) wanted=("${build_packages[@]}") ;;
  check) wanted=("${build_packages[@]}" "${check_packages[@]}") ;;
  bench) wanted=("${build_packages[@]}" "${bench_packages[@]}") ;;
  all) wanted=("${build_packages[@]}" "${check_packages[@]}" "${bench_packages[@]}") ;;
  *) echo "usage: scripts/deps.sh [build|check|bench|all]" >&2; exit 2 ;;
esac

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "deps: installing ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "deps: these Debian packages are missing and installing them needs root:" >&2
    echo "  apt-get install ${missing[*]}" >&2
    exit 1
  fi
else
  SUDO=()
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
