# Thin wrapper over meson/ninja. `make` builds, `make check` runs every test
# (normal build, then ASan+UBSan build), `make bench` the benchmarks,
# `make demo` the VM demo, `make demo-real` the VM demo with real plugins and
# `make dist` the packages, TAR archives and VM artifacts (dist/). Each target
# installs what it needs first.
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
MESON_OPTS ?=
TEST_OPTS ?= --print-errorlogs

.PHONY: all deps deps-vm deps-real build check check-normal check-asan bench demo demo-real dist clean fuzz fuzz-build

all: build

deps:
	@scripts/install-deps.sh base

# The VM tests in `make check` build QEMU and a guest image, the dist tests
# cross builds, .debs and a Debian chroot: their packages too.
deps-vm:
	@scripts/install-deps.sh base vm cross pkg

# The real plugins (BLAS, Torch, vision) and their tests: before the first meson
# setup, so the plugins' `auto` features find them (an older build dir needs
# `meson setup --reconfigure`).
deps-real:
	@scripts/install-deps.sh base blas torch vision

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) $(MESON_OPTS) -Db_sanitize=address,undefined \
		-Db_lundef=false -Dvm_tests=false -Dlibfuzzer_tests=false -Ddist_tests=false

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Its 'fuzz / libfuzzer-*' tests run each libFuzzer target briefly from FUZZ_BUILD.
check-normal: deps-vm deps-real build fuzz-build
	VACCEL_FUZZ_BUILD=$(abspath $(FUZZ_BUILD)) meson test -C $(BUILD) $(TEST_OPTS) || true

check-asan: deps deps-real $(ASAN_BUILD)/build.ninja
	@meson configure $(ASAN_BUILD) -Ddist_tests=false # also in ASan dirs made before the option
	ninja -C $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		meson test -C $(ASAN_BUILD) $(TEST_OPTS) || true

# Runs both configurations, prints one summary and fails if any test failed.
check: check-normal check-asan
	@scripts/test-summary.sh $(BUILD) $(ASAN_BUILD)

bench: deps-real build
	@scripts/install-deps.sh bench
	bench/run-bench.sh $(BUILD)
	bench/run-bench-real.sh $(BUILD)

# The main job: build everything and classify an image inside a VM.
demo:
	vm/demo.sh $(BUILD)

# A real model classifies a digit, real faces are found, a real sgemm is checked,
# all from inside the VM, with the host running the real plugins.
demo-real:
	vm/demo-real.sh $(BUILD)

# DEBs and TARs for amd64, arm64, armhf; VM artifacts for amd64, arm64; SHA256SUMS.
dist:
	@scripts/install-deps.sh base vm cross pkg qemu-cross-arm64
	packaging/dist.sh --out dist

# libFuzzer targets (tests/fuzz): clang, ASan+UBSan, the runtime and plugins instrumented.
$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) $(MESON_OPTS) -Dfuzzing=true \
		-Db_sanitize=address,undefined -Db_lundef=false -Dvm_tests=false \
		-Dexamples=false -Dlibfuzzer_tests=false -Ddist_tests=false

fuzz-build:
	@scripts/install-deps.sh base fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD) fuzz-targets

# Each target (tests/fuzz/meson.build lists them) for FUZZ_SECONDS; corpora are kept
# in the cache (see tests/fuzz/run-fuzz.sh).
fuzz: fuzz-build
	@for t in $$(cd $(FUZZ_BUILD)/tests/fuzz && ls -p | grep '^fuzz-[a-z-]*$$'); do \
		VACCEL_FUZZ_BUILD=$(abspath $(FUZZ_BUILD)) tests/fuzz/run-fuzz.sh $$t $(FUZZ_SECONDS) || exit 1; \
	done

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
