# StyleLab — the README's two commands are `make demo` and `make test`.
# Every install step lives here: a fresh machine needs nothing done by hand.

SWIFT      ?= swift
DEB_PKGS   := libflann-dev libopenblas-dev libpng-dev libjpeg-dev
# Release builds target x86-64-v3 (Haswell: AVX2 + FMA) on x86-64 so that fused multiply-add is one instruction,
# not a library call per element. Set NATIVE_FLAGS= to build for older CPUs.
ARCH       := $(shell uname -m)
ifeq ($(ARCH),x86_64)
NATIVE_FLAGS ?= -Xswiftc -target-cpu -Xswiftc haswell -Xcc -march=haswell
endif
RELEASE    := $(SWIFT) build -c release $(NATIVE_FLAGS)
STYLELAB   := .build/release/stylelab
DEMO_OUT   ?= demo-out

.PHONY: setup build test demo bench clean

# Installs the four Debian packages when any is missing; quiet and quick when all are present.
setup:
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "make setup: installing$$(printf ' %s' $$missing)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null || \
	  { echo "make setup: apt-get failed; install $$missing by hand" >&2; exit 1; }; \
	fi

build: setup
	$(RELEASE)

test: setup
	$(SWIFT) test

bench: setup
	$(SWIFT) build -c release $(NATIVE_FLAGS) --product stylelab-bench
	.build/release/stylelab-bench $(BENCH_ARGS)

demo: build
	@mkdir -p $(DEMO_OUT)
	$(STYLELAB) info
	$(STYLELAB) demo --out $(DEMO_OUT)

clean:
	rm -rf .build $(DEMO_OUT)
