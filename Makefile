# bookbuild: build, test and install. `make` builds tools/bookbuild/bookbuild; `make check` runs
# every test. Missing Debian packages are installed by tools/install-deps (as root) or named.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
PKGS    := libcmark-gfm libxml-2.0 libzip pangocairo pangoft2 glib-2.0 gio-2.0 gio-unix-2.0 gmodule-no-export-2.0 \
           fontconfig yaml-0.1 libpng harfbuzz freetype2 zlib libxxhash libcgraph libgvc librsvg-2.0 \
           libsoup-3.0
# Compiled against, not linked: opened by lazy.c when a command needs them (`serve`, drawings in
# the PDF), so that the loader does not map them and their dozen dependencies at every start.
LAZY_PKGS := librsvg-2.0 libsoup-3.0

BIN     := tools/bookbuild/bookbuild
OBJDIR  := build/obj
SRCS    := $(sort $(wildcard tools/bookbuild/*.c tools/bookbuild/epub/*.c tools/bookbuild/pdf/*.c))
OBJS    := $(SRCS:tools/bookbuild/%.c=$(OBJDIR)/%.o)
LIBOBJS := $(filter-out $(OBJDIR)/main.o,$(OBJS))
TESTSRC := $(sort $(wildcard tests/unit/test_*.c))
TESTS   := $(TESTSRC:tests/unit/%.c=build/tests/%)

# The libraries are there when pkg-config knows them and their headers preprocess (no fixed
# /usr/include paths: Homebrew and other prefixes work too).
DEPS_OK := $(shell pkg-config --exists $(PKGS) 2>/dev/null && \
             printf '\043include <hyphen.h>\n\043include <cmark-gfm-core-extensions.h>\n' | \
             $(CC) $$(pkg-config --cflags $(PKGS)) $(CPPFLAGS) -E - >/dev/null 2>&1 && echo yes)

# The packager's CFLAGS, CPPFLAGS, LDFLAGS and LDLIBS are theirs to set: the project's own flags
# live apart (git's ALL_CFLAGS), so `make CFLAGS=-O2` changes the optimisation, never the
# language level or the feature macros the code needs. WERROR= turns warnings back into warnings.
CFLAGS      ?= -O2 -g
WERROR      ?= -Werror
DEPFLAGS     = -MMD -MP
BB_CPPFLAGS  = -Itools/bookbuild -D_GNU_SOURCE $(PKG_CFLAGS)
BB_CFLAGS    = -std=c11 -Wall -Wextra $(WERROR)
DATADIR_DEF  = -DBOOKBUILD_DATADIR='"$(PREFIX)/share/bookbuild"'
ALL_CFLAGS   = $(DEPFLAGS) $(BB_CPPFLAGS) $(DATADIR_DEF) $(CPPFLAGS) $(BB_CFLAGS) $(CFLAGS)
# Graphviz's plugins are linked in (tools/bookbuild/diagram.c says why); they live in its own
# folder, which the binary searches at run time.
GV_PLUGINS   = $(shell pkg-config --variable=libdir libgvc 2>/dev/null)/graphviz
ALL_LDLIBS   = -lhyphen -lm $(PKG_LIBS) -L$(GV_PLUGINS) -Wl,-rpath,$(GV_PLUGINS) \
               -lgvplugin_dot_layout -lgvplugin_core -lgvplugin_pango $(LDLIBS)

.PHONY: all check check-readers unit bench deps install clean format format-check lint epub pdf handouts pythons FORCE
.DEFAULT_GOAL := all

ifeq ($(DEPS_OK),yes)

# cmark-gfm before 0.29.0.gfm.13 parses some inputs in quadratic time (GitHub's advisories,
# fixed in gfm.7 to gfm.13; Debian 12 ships gfm.6): then tools/fetch-cmark builds gfm.13 as
# static libraries under build/cmark-gfm, and the system's is not linked. CMARK=system keeps
# the system's whatever its version.
CMARK_MIN := 0.29.0.gfm.13
CMARK     ?= $(shell pkg-config --atleast-version=$(CMARK_MIN) libcmark-gfm && echo system || echo built)
ifeq ($(CMARK),built)
CMARK_DIR    := build/cmark-gfm
CMARK_LIBS   := $(CMARK_DIR)/lib/libcmark-gfm-extensions.a $(CMARK_DIR)/lib/libcmark-gfm.a
CMARK_CFLAGS := -I$(CMARK_DIR)/include -DCMARK_GFM_STATIC_DEFINE -DCMARK_GFM_EXTENSIONS_STATIC_DEFINE
PKG_CFLAGS := $(CMARK_CFLAGS) $(shell pkg-config --cflags $(filter-out libcmark-gfm,$(PKGS)))
PKG_LIBS   := $(CMARK_LIBS) $(shell pkg-config --libs $(filter-out libcmark-gfm $(LAZY_PKGS),$(PKGS)))
# One stamp, one run of fetch-cmark (a rule with the two archives as targets would run it once
# for each under -j).
$(CMARK_DIR)/.built: tools/fetch-cmark
	tools/fetch-cmark $(CMARK_DIR) >/dev/null
	@touch $@
$(CMARK_LIBS): $(CMARK_DIR)/.built ;
# Every object sees cmark-gfm's headers: build the library before compiling anything.
$(OBJS) $(TESTS): | $(CMARK_DIR)/.built
$(BIN) $(TESTS): $(CMARK_LIBS)
else
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(filter-out $(LAZY_PKGS),$(PKGS)))
endif

all: $(BIN)

$(BIN): $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

$(OBJDIR)/%.o: tools/bookbuild/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# libyaml's header has no version macro: `bookbuild --version` gets the one built against here.
$(OBJDIR)/version.o: ALL_CFLAGS += -DBOOKBUILD_YAML_BUILT='"$(shell pkg-config --modversion yaml-0.1)"'

# The data directory is compiled into book.c: rebuild it when PREFIX changes (git's GIT-PREFIX),
# so `make && make install PREFIX=/opt/x` installs a binary that finds its styles.
$(OBJDIR)/book.o: $(OBJDIR)/PREFIX
$(OBJDIR)/PREFIX: FORCE
	@mkdir -p $(@D)
	@echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' >$@
FORCE:

build/tests/%: tests/unit/%.c $(LIBOBJS) | build/tests
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(ALL_LDLIBS)

build/tests:
	mkdir -p $@

unit: $(TESTS)

# The interpreters the book's examples run on that Debian 12 lacks: tools/fetch-python unpacks
# Debian unstable's under build/pythons/ (cached there; the system is not touched).
FETCH_PYTHONS ?= 3.14 3.15

pythons:
	@for v in $(FETCH_PYTHONS); do tools/fetch-python $$v >/dev/null || exit 1; done

check: $(BIN) $(TESTS) pythons
	@tools/install-deps check
	@BOOKBUILD=$(CURDIR)/$(BIN) bash tests/run $(TESTS)

# The EPUB in reading systems other than Chromium (tests/readers.py): MuPDF and calibre's Kindle
# conversions, on the manuscript, the stress fixture and the good fixture (which has an ISBN).
# CI runs it.
check-readers: $(BIN)
	@tools/install-deps readers
	@mkdir -p build/readers
	@failed=0; for book in . tests/fixtures/epub-stress tests/fixtures/good-book; do \
	  out=build/readers/$$(basename $$(cd $$book && pwd)).epub; \
	  SOURCE_DATE_EPOCH=1700000000 $(BIN) epub -C $$book -o $$out 2>/dev/null || failed=1; \
	  echo "== readers: $$book"; python3 tests/readers.py $$out || failed=1; done; exit $$failed

# The book. Outputs are rebuilt when the manuscript, the styles, the fonts or the tool change.
BOOK_INPUTS := $(shell find manuscript styles fonts -type f 2>/dev/null)
SLUG        := $(shell sed -n 's/^title: *//p' manuscript/book.yaml 2>/dev/null | tr 'A-Z' 'a-z' | \
                 sed 's/[^a-z0-9 _-]//g; s/ /-/g')
CHAPTER_NUMBERS := $(shell sed -n 's/^\# \([0-9][0-9]*\)\. .*/\1/p' manuscript/chapters/*.md 2>/dev/null)
HANDOUTS    := $(foreach n,$(CHAPTER_NUMBERS),$(foreach p,a4 letter,build/handouts/$(SLUG)-ch$(n)-$(p).pdf))

epub: build/$(SLUG).epub
pdf: build/$(SLUG).pdf
handouts: $(HANDOUTS)

# One run writes both: one load, one validation, one print layout (the EPUB's page list).
build/$(SLUG).epub build/$(SLUG).pdf &: $(BIN) $(BOOK_INPUTS)
	$(BIN) build --epub build/$(SLUG).epub --pdf build/$(SLUG).pdf

build/handouts/$(SLUG)-ch%-a4.pdf: $(BIN) $(BOOK_INPUTS)
	@mkdir -p $(@D)
	$(BIN) pdf --chapter $* --paper a4 -o $@

build/handouts/$(SLUG)-ch%-letter.pdf: $(BIN) $(BOOK_INPUTS)
	@mkdir -p $(@D)
	$(BIN) pdf --chapter $* --paper letter -o $@

# Benchmarks (never part of check): hyperfine over a generated 50,000-word book.
bench: $(BIN)
	@tools/install-deps bench
	@python3 tests/bench/make-book.py build/bench-book 50000
	@echo "words: $$(cat build/bench-book/manuscript/chapters/*.md | wc -w)"
	hyperfine -N --warmup 5 '$(BIN) check -C build/bench-book'
	hyperfine -N --warmup 3 '$(BIN) epub -C build/bench-book -o build/bench-book/book.epub'
	@bash tests/bench/pandoc.sh build/bench-book build/bench-book/pandoc.epub
	hyperfine -N --warmup 2 '$(BIN) pdf -C build/bench-book -o build/bench-book/book.pdf'
	hyperfine -N --warmup 2 '$(BIN) epub --no-page-list -C build/bench-book -o build/bench-book/book.epub'
	hyperfine -N --warmup 2 '$(BIN) build -C build/bench-book --epub build/bench-book/book.epub --pdf build/bench-book/book.pdf'
	@# Issue 22: a rebuild of the EPUB against pandoc, on the bench book, on a 47,000-word cut of
	@# this book (its first chapters: code, tables, notes, drawings) and on the whole book.
	@bash tests/bench/rebuild.sh $(BIN) build/bench-book "bench book"
	@python3 tests/bench/make-subset.py build/bench-subset 47000
	@bash tests/bench/rebuild.sh $(BIN) build/bench-subset "this book, first chapters"
	@bash tests/bench/rebuild.sh $(BIN) . "Python Under the Hood"
	@if [ -x /usr/bin/time ]; then /usr/bin/time -f "pdf peak memory: %M kB" \
	  $(BIN) pdf -C build/bench-book -o build/bench-book/book.pdf; fi
	@echo "pdf pages: $$(pdfinfo build/bench-book/book.pdf | sed -n 's/^Pages: *//p')"
	@bash tests/bench/weasyprint.sh build/bench-book build/bench-book/weasyprint
	@python3 tests/bench/make-callouts.py build/bench-callouts 2000
	hyperfine -N --warmup 1 '$(BIN) pdf -C build/bench-callouts -o build/bench-callouts/book.pdf'
	@# The same book with 30 of its callouts drawn diagrams (issue 21: under 0.3 s more for both).
	@python3 tests/bench/make-book.py build/bench-diagrams 50000 30
	hyperfine -N --warmup 2 '$(BIN) epub -C build/bench-book -o build/bench-book/book.epub' \
	  '$(BIN) epub -C build/bench-diagrams -o build/bench-diagrams/book.epub'
	hyperfine -N --warmup 1 '$(BIN) pdf -C build/bench-book -o build/bench-book/book.pdf' \
	  '$(BIN) pdf -C build/bench-diagrams -o build/bench-diagrams/book.pdf'

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bookbuild/styles $(DESTDIR)$(PREFIX)/share/bookbuild/fonts
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/bookbuild
	install -m 644 tools/bookbuild/bookbuild.1 $(DESTDIR)$(PREFIX)/share/man/man1/bookbuild.1
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 644 tools/completion/bookbuild.bash \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/bookbuild
	install -m 644 tools/completion/_bookbuild $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_bookbuild
	cp -R styles/. $(DESTDIR)$(PREFIX)/share/bookbuild/styles/
	cp -R fonts/. $(DESTDIR)$(PREFIX)/share/bookbuild/fonts/

-include $(OBJS:.o=.d) $(TESTS:%=%.d)
include tests/hardening.mk

else

# A library is missing: install it (or say how), then run the same goal again.
all check unit bench install epub pdf handouts:
	@tools/install-deps build
	@$(MAKE) --no-print-directory $@

endif

deps:
	@tools/install-deps check

clean:
	rm -rf build $(BIN)

# Every C file of the tool and its tests, as clang-format and the linters see them.
C_FILES := $(sort $(wildcard tools/bookbuild/*.[ch] tools/bookbuild/*/*.[ch] tests/unit/*.c \
             tests/fuzz/*.c))

format:
	clang-format -i $(C_FILES)

format-check:
	clang-format --dry-run -Werror $(C_FILES)

# cppcheck with GLib's macros known, and clang-tidy's analyser (.clang-tidy) with the compiler's
# own flags. Both run in CI.
lint:
	cppcheck --quiet --enable=warning,performance,portability --error-exitcode=1 --library=gtk \
	  -D_GNU_SOURCE --suppress=missingIncludeSystem -Itools/bookbuild tools/bookbuild
	clang-tidy --quiet $(SRCS) -- -std=c11 $(BB_CPPFLAGS) $(DATADIR_DEF) $(shell pkg-config --cflags $(PKGS))
