# tests/hardening.mk: the hardening targets of issue 8, included by the Makefile once the
# libraries are found. Each variant builds into its own object dir under build/, so the normal
# build (build/obj, tools/bookbuild/bookbuild) is never touched.
#   make check-asan       the whole `make check` suite with AddressSanitizer, UBSan and LeakSanitizer
#   make check-valgrind   the same suite with every bookbuild run under valgrind
#   make fuzz [FUZZ_SECONDS=N] [FUZZ_TARGETS="meta toc"]   libFuzzer, each target N seconds in turn
#   make fuzz-regress     every saved crashing input replayed once (no fuzzing)
#   make check-hardening  tests/hardening/*.sh (interrupted and failed builds leave no trace)

.PHONY: check-asan check-valgrind fuzz fuzz-build fuzz-cc fuzz-regress check-hardening

# The sanitized build finds styles/ and fonts/ as an installed one would: its data dir is the
# source tree (its binary is not at tools/bookbuild/, where the source-tree lookup looks).
SAN_CPPFLAGS := $(DEPFLAGS) $(BB_CPPFLAGS) $(CPPFLAGS) -DBOOKBUILD_DATADIR='"$(CURDIR)"'
SAN_FLAGS    := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# ---- AddressSanitizer + UBSan + LeakSanitizer (the system compiler) ----

ASAN_DIR     := build/asan
ASAN_BIN     := $(ASAN_DIR)/bookbuild
ASAN_OBJS    := $(SRCS:tools/bookbuild/%.c=$(ASAN_DIR)/obj/%.o)
ASAN_LIBOBJS := $(filter-out $(ASAN_DIR)/obj/main.o,$(ASAN_OBJS))
ASAN_TESTS   := $(TESTSRC:tests/unit/%.c=$(ASAN_DIR)/tests/%)
ASAN_CFLAGS  := $(BB_CFLAGS) $(CFLAGS) -O1 $(SAN_FLAGS)
# intercept_strstr=0: ASan's strstr() wrapper measures the whole haystack on every call, which
# makes g_strsplit() quadratic (test_import_large's 400,000 lines take minutes instead of 0.1 s).
# fast_unwind_on_malloc=0: whole leak stacks through libraries built without frame pointers,
# so tests/sanitizer.supp can name the library function that owns a cache.
SAN_ENV      := ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:abort_on_error=0:intercept_strstr=0:detect_stack_use_after_return=1 \
                LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizer.supp:print_suppressions=0 \
                UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Fuzzing wants speed: fast unwinding (tests/fuzz/run.sh slows it down for one target only).
FUZZ_ENV     := ASAN_OPTIONS=abort_on_error=0 \
                LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizer.supp:print_suppressions=0 \
                UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

$(ASAN_BIN): $(ASAN_OBJS)
	$(CC) $(LDFLAGS) $(SAN_FLAGS) -o $@ $^ $(ALL_LDLIBS)

$(ASAN_DIR)/obj/%.o: tools/bookbuild/%.c
	@mkdir -p $(@D)
	$(CC) $(SAN_CPPFLAGS) $(ASAN_CFLAGS) -c -o $@ $<

# version.c names libyaml's version as pkg-config gives it, as in the normal build (Makefile).
$(ASAN_DIR)/obj/version.o: SAN_CPPFLAGS += -DBOOKBUILD_YAML_BUILT='"$(shell pkg-config --modversion yaml-0.1)"'

$(ASAN_DIR)/tests/%: tests/unit/%.c $(ASAN_LIBOBJS)
	@mkdir -p $(@D)
	$(CC) $(SAN_CPPFLAGS) $(ASAN_CFLAGS) $(LDFLAGS) -o $@ $< $(ASAN_LIBOBJS) $(ALL_LDLIBS)

ifeq ($(CMARK),built)
$(ASAN_OBJS) $(ASAN_TESTS): | $(CMARK_DIR)/.built
endif

# Ace checks what the EPUB says, which the sanitizers do not change, and the spec suite takes
# 8 minutes under them with time limits that mean nothing there: `make check` runs both.
check-asan: $(ASAN_BIN) $(ASAN_TESTS) pythons
	@tools/install-deps check
	@$(SAN_ENV) SKIP_ACE=1 SKIP_SPEC=1 BOOKBUILD=$(CURDIR)/$(ASAN_BIN) bash tests/run $(ASAN_TESTS)

# ---- valgrind (the normal build, every run of it under memcheck) ----

check-valgrind: $(BIN) $(TESTS) pythons
	@tools/install-deps check
	@BOOKBUILD_REAL=$(CURDIR)/$(BIN) bash tests/hardening/valgrind-suite.sh $(TESTS)

# ---- libFuzzer (clang-14: Debian's clang-14 and libclang-rt-14-dev) ----

FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= meta toc chapter import layout xhtml
FUZZ_DIR     := build/fuzz
FUZZ_OBJS    := $(filter-out $(FUZZ_DIR)/obj/main.o,$(SRCS:tools/bookbuild/%.c=$(FUZZ_DIR)/obj/%.o))
FUZZ_CFLAGS  := $(BB_CFLAGS) $(CFLAGS) -O1 $(SAN_FLAGS) -fsanitize=fuzzer-no-link
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)

$(FUZZ_DIR)/obj/%.o: tools/bookbuild/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(SAN_CPPFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_DIR)/obj/fuzz_common.o: tests/fuzz/fuzz_common.c tests/fuzz/fuzz_common.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(SAN_CPPFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<

# An archive: a target links only the objects it calls.
$(FUZZ_DIR)/libbookbuild.a: $(FUZZ_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DIR)/obj/fuzz_common.o $(FUZZ_DIR)/libbookbuild.a
	$(FUZZ_CC) $(SAN_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(ALL_LDLIBS)

fuzz-build: fuzz-cc $(FUZZ_BINS)

fuzz-cc:
	@command -v $(FUZZ_CC) >/dev/null || { echo "make fuzz needs $(FUZZ_CC): apt-get install \
	  clang-14 libclang-rt-14-dev" >&2; exit 2; }

# Each target in turn (never two at once), niced, for FUZZ_SECONDS; the growing corpus lives in
# build/fuzz/corpus/, the seeds in tests/fuzz/corpus/; crashes land in build/fuzz/crashes/.
fuzz: fuzz-cc $(FUZZ_BINS)
	@$(FUZZ_ENV) FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run.sh $(FUZZ_TARGETS)

fuzz-regress: fuzz-cc $(FUZZ_BINS)
	@$(FUZZ_ENV) bash tests/fuzz/run.sh --regress $(FUZZ_TARGETS)

check-hardening: $(BIN)
	@failed=0; for t in tests/hardening/*-test.sh; do \
	  echo "== $$t"; BOOKBUILD=$(CURDIR)/$(BIN) bash $$t || failed=1; done; exit $$failed

-include $(ASAN_OBJS:.o=.d) $(ASAN_TESTS:%=%.d) $(FUZZ_OBJS:.o=.d) $(FUZZ_BINS:%=%.d) \
  $(FUZZ_DIR)/obj/fuzz_common.d
