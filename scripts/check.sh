#!/usr/bin/env bash
# What `make check` runs: installs what is missing, builds with gcc and with clang (and release
# builds of both, compiled only), starts a throw-away PostgreSQL cluster, runs every test on the gcc
# build with the servers on SQLite and again on a clang build under AddressSanitizer and
# UndefinedBehaviorSanitizer (which also runs the fuzz targets briefly) with the servers on
# PostgreSQL, checks the formatting, removes the cluster (also when tests fail), and ends with the
# total line "N passed, N failed" (scripts/total.py). The store's unit tests run on the engine the
# servers of that run do not use.
set -uo pipefail
cd "$(dirname "$0")/.."

# One test process per core: an integration test keeps about one core busy on its own (the server,
# curl, git and python3 it starts one after another; measured 0.91 to 0.96 cores), so more processes
# than cores only make each test slower and its timeouts tighter. WEFT_CHECK_JOBS overrides it.
jobs=${WEFT_CHECK_JOBS:-$(nproc)}
checks=()

# Runs a named step and records whether it passed, so that the total counts it.
step() {
  local name=$1
  shift
  echo "== $name"
  "$@"
  local rc=$?
  checks+=(--check "$name=$rc")
  [[ $rc -eq 0 ]] || echo "== $name FAILED (exit $rc)"
  return $rc
}

setup() {
  local dir=$1
  shift
  if [[ -f $dir/build.ninja ]]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@" >/dev/null
  fi
}

# The unit tests are optional at configure time (cmocka is a check package); here they must build.
# Each compiler builds each buildtype once with -Werror: gcc's and clang's default buildtype
# (debugoptimized) are the gcc build and the sanitized clang build, whose tests run; gcc's and
# clang's release builds (-O3, where the compilers warn about more; what packagers and the
# benchmarks build) are compiled, not run: every object file (the program's, the tests' and the
# benchmarks') is compiled with -Werror and the program is linked, but the test executables are
# linked only in the two builds whose tests run (linking them again found nothing those links do
# not, and cost about 25 seconds of the 2 cores).
# The clang builds link with lld: about a hundred executables (the unit tests, fuzz targets and
# benchmarks each link libweft), and with the sanitizers' runtime GNU ld took 0.65 CPU-second a
# link, lld 0.39 (bfd vs lld on 10 of build-asan's links). For gcc's builds lld gains nothing.
build_gcc() { CC=gcc setup build -Dunit_tests=enabled && ninja -C build; }
build_objects_and_program() {
  local dir=$1 objects
  objects=$(ninja -C "$dir" -t targets all | sed -n 's/^\([^:]*\.o\): .*/\1/p') || return 1
  # shellcheck disable=SC2086
  ninja -C "$dir" weft $objects
}
build_clang_release() {
  CC=clang CC_LD=lld setup build-clang --buildtype=release -Dunit_tests=enabled &&
    build_objects_and_program build-clang
}
build_release() {
  CC=gcc setup build-release --buildtype=release -Dunit_tests=enabled &&
    build_objects_and_program build-release
}
build_sanitized() {
  CC=clang CC_LD=lld setup build-asan -Dunit_tests=enabled -Db_sanitize=address,undefined \
    -Db_lundef=false -Dfuzz=true &&
    ninja -C build-asan
}

check_format() {
  local files
  files=$(git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v '^fuzz/corpus/')
  # shellcheck disable=SC2086
  clang-format --dry-run -Werror $files
}

# The npm packages of the API conformance tests (the real client libraries) and of the browser
# tests (playwright-core, driving Debian's Chromium; it downloads no browser of its own), from
# their committed lockfiles; again only when a lockfile is newer than what is installed.
install_npm_packages() {
  local dir=$1
  if [[ -f $dir/node_modules/.package-lock.json &&
        ! $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
    return 0
  fi
  npm ci --prefix "$dir" --no-audit --no-fund
}

run_tests() {
  local dir=$1
  rm -f "$dir"/meson-logs/testlog*.json
  meson test -C "$dir" --num-processes "$jobs" --print-errorlogs --no-rebuild
}

if ! scripts/deps.sh check; then
  echo "0 passed, 1 failed"
  exit 1
fi

# The cluster lives in /tmp (its server runs as an unprivileged user, who must reach it).
pg_dir=$(mktemp -d /tmp/weft-check-pg.XXXXXX)
trap 'scripts/pg.sh stop "$pg_dir" >/dev/null 2>&1 || true' EXIT
start_postgres() {
  WEFT_TEST_PG_URL=$(scripts/pg.sh start "$pg_dir") && export WEFT_TEST_PG_URL
}
# Without it the store tests fail rather than quietly run on SQLite alone.
export WEFT_TEST_REQUIRE_PG=1

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

dirs=()
step "build (gcc)" build_gcc && dirs+=(build)
step "build (clang, release)" build_clang_release
step "build (gcc, release)" build_release
step "build (clang, ASan+UBSan)" build_sanitized && dirs+=(build-asan)
step "format (clang-format)" check_format
step "PostgreSQL (throw-away cluster)" start_postgres
step "npm packages (tests/conformance)" install_npm_packages tests/conformance
step "npm packages (tests/browser)" install_npm_packages tests/browser
# Every test runs on both engines, without running the suite four times: the gcc build's suite
# with every server on SQLite and the store's unit tests on PostgreSQL, the sanitized build's the
# other way round (servers on PostgreSQL, store tests on SQLite). Each engine so meets each build
# once, the sanitizers included, and no store test runs twice on one engine (that was about a
# tenth of the tests' time).
run_tests_servers_on_sqlite() {
  WEFT_TEST_STORE_ENGINE=postgres run_tests "$1"
}
run_tests_servers_on_postgres() {
  WEFT_TEST_ENGINE=postgres WEFT_TEST_STORE_ENGINE=sqlite run_tests "$1"
}

for dir in "${dirs[@]}"; do
  if [[ $dir == build-asan ]]; then
    step "tests ($dir, servers on PostgreSQL, store tests on SQLite)" \
      run_tests_servers_on_postgres "$dir"
  else
    step "tests ($dir, servers on SQLite, store tests on PostgreSQL)" \
      run_tests_servers_on_sqlite "$dir"
  fi
done

# The per-case total: builds whose tests could not run count as failures there too.
[[ " ${dirs[*]} " == *" build "* ]] || checks+=(--check "tests (build)=1")
[[ " ${dirs[*]} " == *" build-asan "* ]] || checks+=(--check "tests (build-asan)=1")
python3 scripts/total.py "${checks[@]}" "${dirs[@]}"
