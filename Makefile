# StyleLab — the README's two commands are `make demo` and `make test`.
# Every install step lives here: a fresh machine needs nothing done by hand.

SWIFT      ?= swift
DEB_PKGS   := libflann-dev libopenblas-dev libpng-dev libjpeg-dev libopencv-video-dev ffmpeg
# Release builds are portable: they run on any x86-64, and the hot kernels (Sources/CKernels) pick AVX-512, AVX2
# or the baseline at run time. `make build NATIVE=1` tunes the Swift code to the building CPU as well (into
# .build-native); such a binary runs only on CPUs with the building CPU's instruction set. The compiler contracts
# no multiply-add in C and C++ (FLANN's distances; the kernels fuse theirs explicitly), so both builds write the
# same bytes.
NATIVE     ?= 0
ifeq ($(NATIVE),1)
NATIVE_FLAGS := --scratch-path .build-native -Xswiftc -target-cpu -Xswiftc native \
                -Xcc -march=native -Xcc -ffp-contract=off
BUILD_DIR  := .build-native/release
else
NATIVE_FLAGS :=
BUILD_DIR  := .build/release
endif
RELEASE    := $(SWIFT) build -c release $(NATIVE_FLAGS)
STYLELAB   := $(BUILD_DIR)/stylelab
DEMO_OUT   ?= demo-out

.PHONY: setup browser notebook-tools build test demo notebooks bench bench-builds test-builds test-slurm fuzz clean

# $(call apt-install,PACKAGES) installs those of PACKAGES that are missing; quiet and quick when all are present.
define apt-install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "make: installing$$(printf ' %s' $$missing)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null || \
	  { echo "make: apt-get failed; install $$missing by hand" >&2; exit 1; }; \
	fi
endef

# The Debian libraries StyleLab links (FLANN, OpenBLAS, libpng, libjpeg, OpenCV's video module) and ffmpeg, which
# decodes and encodes clips as a child process.
setup:
	$(call apt-install,$(DEB_PKGS))

# Debian's headless-capable Chromium: the report test opens the comparison pages in a real browser.
browser:
	$(call apt-install,chromium)

# Debian's Python packages the walkthroughs' tests use: nbformat validates the notebooks against its schema, and
# markdown renders the chapter pages for the browser test.
notebook-tools:
	$(call apt-install,python3-nbformat python3-markdown)

build: setup
	$(RELEASE)

test: setup browser notebook-tools
	$(SWIFT) test

# Every chapter of notebooks-export/ remade from the embedded images (about ten minutes here; chapter 05 uses the
# VGG-19 weights of `stylelab weights fetch` when they are present). `make test` checks chapters 01 and 03.
notebooks: setup notebook-tools
	$(RELEASE) --product stylelab
	$(STYLELAB) notebooks --out notebooks-export

# The README's Slurm job array on a real one-node Slurm (Debian's slurm-wlm and munge, installed when missing;
# needs root for slurmd): 3 shards merged against one process, and a cancelled task resubmitted resumes. About a
# minute after the release build; not part of `make test`, which it would take past its time budget.
test-slurm: setup
	$(call apt-install,slurm-wlm munge)
	$(RELEASE)
	scripts/slurm-test.sh $(STYLELAB)

# Benchmarks print a table and write bench-out/results.json; `make bench BENCH_ARGS=search` runs one suite.
bench: setup
	$(RELEASE) --product stylelab-bench
	$(BUILD_DIR)/stylelab-bench $(BENCH_ARGS)

# The portable build beside the tuned one (NATIVE=1), suite by suite, interleaved, BENCH_ROUNDS times (each row's
# best round counts, since this machine's speed drifts): files in bench-out/builds/ and a table of their ratios.
BENCH_ROUNDS ?= 1
bench-builds: setup
	$(SWIFT) build -c release --product stylelab-bench
	$(MAKE) --no-print-directory NATIVE=1 bench-build-only
	@mkdir -p bench-out/builds
	@for round in $$(seq $(BENCH_ROUNDS)); do \
	for suite in $(or $(BENCH_ARGS),blas codecs search quilting analogy neural); do \
	  for build in portable native; do \
	    dir=.build; [ $$build = native ] && dir=.build-native; \
	    $$dir/release/stylelab-bench $$suite >/dev/null && \
	      cp bench-out/results.json bench-out/builds/$$build-$$suite-$$round.json; \
	  done; \
	done; done
	@python3 Benchmarks/compare_builds.py bench-out/builds
bench-build-only:
	$(RELEASE) --product stylelab-bench

# Both builds write the same bytes (quilting synthesis and transfer, an analogy with FLANN); two release builds,
# so not part of `make test`.
test-builds: setup
	$(SWIFT) build -c release --product stylelab
	$(MAKE) --no-print-directory NATIVE=1 build
	scripts/same-bytes-across-builds.sh .build/release/stylelab .build-native/release/stylelab

# The main job: every method on the embedded set (datasets/runs/demo.json); ends with the paths of index.html and
# grid.png. A rerun keeps finished cells; `make demo DEMO_FLAGS=--force` redoes them.
demo: build
	@$(STYLELAB) weights fetch --quiet || echo "make demo: could not fetch the VGG-19 weights; the Gatys column will show FAILED"
	$(STYLELAB) info
	$(STYLELAB) compare datasets/runs/demo.json --out $(DEMO_OUT) $(DEMO_FLAGS)

# Every reader of untrusted input under libFuzzer with AddressSanitizer, FUZZ_SECONDS each (FUZZ_TARGETS picks
# some); seeds from Fuzz/make_corpora.py, crashes into fuzz-out/<target>/, executions and crashes per target in
# fuzz-out/summary.txt. A crash found becomes a regression test (Tests/StyleLabCLITests/Fixtures/hostile).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= png jpeg pickle zip pth-legacy pth-zip safetensors vgg-weights manifest run-config parameters
# SwiftPM's --sanitize flags link libFuzzer's main, but reach swiftc as two flags of which only the last counts
# (no coverage, so libFuzzer fuzzes blind): -sanitize=fuzzer,address in one flag puts the coverage back.
FUZZ_BUILD := $(SWIFT) build -c release --package-path Fuzz --sanitize fuzzer --sanitize address \
              -Xswiftc -sanitize=fuzzer,address
fuzz: build
	$(FUZZ_BUILD)
	python3 Fuzz/make_corpora.py $(STYLELAB)
	@mkdir -p fuzz-out; : > fuzz-out/summary.txt
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz-out/$$t Fuzz/corpus/fuzz-$$t; \
	  echo "fuzz-$$t: $(FUZZ_SECONDS) s"; \
	  case $$t in manifest|run-config|parameters|safetensors) dict=-dict=Fuzz/json.dict;; *) dict=;; esac; \
	  Fuzz/.build/release/fuzz-$$t Fuzz/corpus/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -max_len=65536 $$dict -artifact_prefix=fuzz-out/$$t/ -print_final_stats=1 \
	    > fuzz-out/$$t/log.txt 2>&1; status=$$?; \
	  runs=$$(grep -o 'stat::number_of_executed_units: *[0-9]*' fuzz-out/$$t/log.txt | grep -o '[0-9]*$$'); \
	  crashes=$$(ls fuzz-out/$$t | grep -c -E '^(crash|leak|timeout|oom)-'); \
	  echo "fuzz-$$t executions $${runs:-0} crashes $$crashes exit $$status" | tee -a fuzz-out/summary.txt; \
	done

clean:
	rm -rf .build Fuzz/.build Fuzz/corpus fuzz-out $(DEMO_OUT)
