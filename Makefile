# The two commands of the README, and a few more. Everything real happens in scripts/ and meson.
.PHONY: all deps build run check format bench clean

BUILD ?= build
RUN_FLAGS ?=

all: build

deps:
	@scripts/deps.sh build

build: deps
	@if [ ! -f $(BUILD)/build.ninja ]; then meson setup $(BUILD); fi
	@ninja -C $(BUILD)

# Builds, then runs hub on http://127.0.0.1:7990 and track on http://127.0.0.1:8080 with the
# data in ./weft-data (see `$(BUILD)/weft serve --help` for every setting).
run: build
	$(BUILD)/weft serve $(RUN_FLAGS)

check:
	@scripts/check.sh

format:
	@git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v '^fuzz/corpus/' | xargs clang-format -i

bench: build
	@scripts/deps.sh bench
	@WEFT_BIN=$(BUILD)/weft bench/rss.sh
	@WEFT_BIN=$(BUILD)/weft bench/http.sh
	@WEFT_BIN=$(BUILD)/weft bench/auth.sh
	@WEFT_BENCH_JOBS_BIN=$(BUILD)/bench/jobs_bench bench/jobs.sh
	@WEFT_BIN=$(BUILD)/weft bench/git.sh
	@WEFT_BIN=$(BUILD)/weft bench/commits.sh
	@WEFT_BIN=$(BUILD)/weft bench/pulls.sh
	@WEFT_BIN=$(BUILD)/weft bench/browse.sh
	@WEFT_BIN=$(BUILD)/weft bench/hooks.sh
	@WEFT_BIN=$(BUILD)/weft WEFT_BENCH_TRACK_BIN=$(BUILD)/bench/track_bench bench/track.sh

clean:
	rm -rf build build-clang build-release build-asan build-cache
