# render - a Helm-compatible chart renderer in C.
#
#   make          build bin/render
#   make demo     render charts/itl-k8s-capi with its prod values
#   make test     install what is missing, build, run every test (also under ASan+UBSan, and the fuzzers briefly)
#   make bench    Helm and render on the same charts, with the ratio of time and memory

PKGS := yaml-0.1 libpcre2-8 jansson libarchive libcurl zlib libcrypto
# Debian packages that provide the above, plus the tools and servers the tests use
# (nginx as a chart repository, docker-registry as an OCI registry).
DEBS := gcc make pkg-config libyaml-dev libpcre2-dev libjansson-dev libarchive-dev \
	libcurl4-openssl-dev zlib1g-dev libssl-dev libcrypt-dev unzip \
	curl openssl nginx docker-registry apache2-utils json-schema-test-suite
# Tools that may come from outside Debian (node from nodesource, python from pyenv):
# installed from Debian only when the command is missing.
TOOLS := clang:clang clang-format:clang-format python3:python3 npm:npm

CC ?= gcc
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla
CSTD := -std=c11 -D_GNU_SOURCE
OPT ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcurl, libarchive and libcrypto are opened with dlopen on first use
# (net/http.c, chart/archive.c, functions/crypto.c): their headers come from
# pkg-config, but they are not linked.
LAZY_PKGS := libcurl libarchive libcrypto jansson libpcre2-8 zlib
# libyaml is linked statically when its archive is installed (libyaml-dev has it): one
# shared object fewer to load at every start, about 0.1 ms of a 2.5 ms render. No -lm:
# the few math functions used (ldexp, modf) are also in libc.
YAML_A := $(wildcard $(shell pkg-config --variable=libdir yaml-0.1 2>/dev/null)/libyaml.a)
PKG_LIBS = $(or $(YAML_A),$(shell pkg-config --libs yaml-0.1 2>/dev/null)) \
	$(shell pkg-config --libs $(filter-out $(LAZY_PKGS) yaml-0.1,$(PKGS)) 2>/dev/null) -lpthread -ldl

# Every folder of C sources (a folder that does not exist yet adds nothing).
DIRS := values renderer functions chart net release cli
SRCS := $(sort $(foreach d,$(DIRS),$(wildcard $(d)/*.c)))
LIB_SRCS := $(filter-out cli/%,$(SRCS))

OBJS := $(SRCS:%.c=build/%.o)
ASAN_OBJS := $(SRCS:%.c=build-asan/%.o)
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

.PHONY: all deps demo test test-unit test-cases test-scripts test-asan fuzz bench clean format format-check

all: bin/render

bin/render: $(OBJS)
	@mkdir -p bin
	$(CC) $(OPT) -o $@ $(OBJS) $(PKG_LIBS)

build/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(OPT) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

bin/render-asan: $(ASAN_OBJS)
	@mkdir -p bin
	$(CC) $(ASAN_FLAGS) -o $@ $(ASAN_OBJS) $(PKG_LIBS)

build-asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(ASAN_FLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

-include $(OBJS:.o=.d) $(ASAN_OBJS:.o=.d)

# Installs the Debian packages that are missing (as root, or through sudo).
deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	for t in $(TOOLS); do command -v $${t%%:*} >/dev/null 2>&1 || missing="$$missing $${t#*:}"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

demo: bin/render
	bin/render template charts/itl-k8s-capi -f charts/itl-k8s-capi/values-prod.yaml

test: deps
	$(MAKE) --no-print-directory format-check
	$(MAKE) --no-print-directory bin/render bin/render-asan
	$(MAKE) --no-print-directory test-cases
	$(MAKE) --no-print-directory test-scripts
	$(MAKE) --no-print-directory test-asan
	$(MAKE) --no-print-directory fuzz

test-cases: bin/render
	python3 tests/run_cases.py --render bin/render --helm "$$(tests/setup-helm.sh)"

# The official JSON Schema test suite against values/schema.c (run by tests/t-schema-suite.sh).
bin/schema_suite: tests/schema_suite.c $(filter build/values/%.o,$(OBJS))
	@mkdir -p bin
	$(CC) $(CSTD) $(WARN) $(OPT) $(PKG_CFLAGS) $^ $(PKG_LIBS) -o $@

# Every tests/t-*.sh, with RENDER, RENDER_ASAN and HELM in its environment; each exits non-zero
# on failure. Two run at a time (TEST_JOBS); each one's output goes to build/tests/NAME.log and
# is printed after it ends, whole when it failed, its last line otherwise.
TEST_SCRIPTS := $(sort $(wildcard tests/t-*.sh))
TEST_JOBS ?= 2
test-scripts: bin/render bin/render-asan
	@mkdir -p build/tests; rm -f build/tests/failed; helm="$$(tests/setup-helm.sh)"; \
	printf '%s\n' $(TEST_SCRIPTS) | RENDER=$(CURDIR)/bin/render RENDER_ASAN=$(CURDIR)/bin/render-asan HELM="$$helm" \
		xargs -P $(TEST_JOBS) -I{} sh -c 'log=build/tests/$$(basename {} .sh).log; start=$$(date +%s); \
			if bash {} >$$log 2>&1; then echo "ok   {} ($$(( $$(date +%s) - start ))s): $$(tail -1 $$log)"; \
			else echo "FAIL {}"; cat $$log; echo "FAIL {}" >> build/tests/failed; fi'; \
	if [ -s build/tests/failed ]; then echo "test scripts failed:"; cat build/tests/failed; rm -f build/tests/failed; exit 1; fi; \
	echo "test scripts: $(words $(TEST_SCRIPTS)) passed"

test-asan: bin/render-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		python3 tests/run_cases.py --render bin/render-asan --helm "$$(tests/setup-helm.sh)" --label asan

FUZZ_SECONDS ?= 10
FUZZ_TARGETS := $(patsubst fuzz/%.c,bin/fuzz-%,$(wildcard fuzz/fuzz_*.c))
FUZZ_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined
# The library is compiled once for every target (instrumented for the fuzzer, not linked with it).
FUZZ_OBJS := $(LIB_SRCS:%.c=build-fuzz/%.o)
build-fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(CSTD) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -MMD -MP -c $< -o $@

-include $(FUZZ_OBJS:.o=.d)
.SECONDARY: $(FUZZ_OBJS)

bin/fuzz-%: fuzz/%.c $(FUZZ_OBJS)
	@mkdir -p bin
	clang $(CSTD) $(FUZZ_FLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $< $(FUZZ_OBJS) $(PKG_LIBS)

fuzz: $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
		name=$$(basename $$t); corpus=fuzz/corpus/$${name#fuzz-fuzz_}; mkdir -p build/corpus/$$name $$corpus; \
		echo "fuzzing $$name for $(FUZZ_SECONDS)s"; \
		$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -max_len=4096 build/corpus/$$name $$corpus 2>build/$$name.log \
			|| { tail -40 build/$$name.log; exit 1; }; \
	done; echo "fuzz: $(words $(FUZZ_TARGETS)) targets, no crash"

bench: bin/render
	python3 tests/bench.py --render bin/render --helm "$$(tests/setup-helm.sh)"

format:
	clang-format -i $(SRCS) $(wildcard */*.h) $(wildcard fuzz/*.c)

format-check:
	clang-format --dry-run --Werror $(SRCS) $(wildcard */*.h) $(wildcard fuzz/*.c)

clean:
	rm -rf build build-asan build-fuzz bin
