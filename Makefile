# certkit: one non-recursive Makefile.
#
#   make                      build the tools into $(BUILD)/bin
#   make check                install missing packages, build, make lint, run every test
#   make demo                 install missing packages, build, run the demo
#   make install PREFIX=/usr/local [DESTDIR=...]
#   make lint                 banned calls, include rule, outside citations, mandoc -Tlint, shellcheck
#   make SANITIZE=address,undefined check         the suite on a sanitizer build
#   make check-quick          one build, unit + end-to-end only
#   make fuzz [FUZZ_SECONDS=N]
#   make fuzz-long FUZZ_CORPUS=DIR [FUZZ_LONG_SECONDS=600]   before a release
#   make bench
#   make deb                  build-deb/certkit_VERSION_ARCH.deb (debhelper, lintian)
#
# Every tool is certtool/cert-*.c; every library file is certtool/lib/LAYER/*.c
# (layers and the include rule: docs/HACKING.md, checked by make lint);
# every unit test is tests/unit/test_*.c; every fuzz target tests/fuzz/fuzz_*.c.
# New files are picked up without editing this file.

# Quiet by default: one short line per file ("  CC  certtool/cert-read.c");
# make V=1 prints the full commands.
V ?= 0
ifeq ($(V),1)
Q =
say = @true
else
Q = @
say = @printf '  %-5s %s\n'
endif

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
DATADIR = $(PREFIX)/share/certkit
COMPDIR = $(PREFIX)/share/bash-completion/completions

CC ?= cc
CFLAGS ?= -O2 -g
WERROR ?= -Werror
WARN = -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wformat=2 -Wvla
PKGS = openssl libcurl jansson ldap sqlite3 libcares

SANITIZE ?=
ifneq ($(SANITIZE),)
BUILD ?= build-san
SANFLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD ?= build
SANFLAGS =
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -llber -lpthread -lm
# SQLite (cert-issue's ledger) is linked in where its static library is
# installed (Debian's libsqlite3-dev has it), as SQLite's authors advise for
# an application's own file: Debian links the shared one with -z now, and a
# process that signs one certificate spent 0.3 to 0.5 ms of its 4.4 ms
# resolving its 1 600 symbols.  SQLITE=shared links the shared library (the
# Debian package does: Debian policy 4.13, no convenience copies).
SQLITE ?= static
SQLITE_A := $(wildcard $(shell pkg-config --variable=libdir sqlite3 2>/dev/null)/libsqlite3.a)
ifeq ($(SQLITE):$(if $(SQLITE_A),a),static:a)
comma := ,
PKG_LIBS := $(filter-out -lsqlite3,$(PKG_LIBS)) -Wl$(comma)-Bstatic -lsqlite3 -Wl$(comma)-Bdynamic \
	$(filter-out -lsqlite3,$(shell pkg-config --static --libs sqlite3 2>/dev/null))
endif
LIB_DIRS := $(sort $(patsubst %/,%,$(dir $(wildcard certtool/lib/*/*.h))))
LIB_INC := $(LIB_DIRS:%=-I%)
ALL_CFLAGS = $(WARN) $(WERROR) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -D_GNU_SOURCE \
	-DCK_DATADIR='"$(DATADIR)"' $(LIB_INC) $(PKG_CFLAGS)
# Each tool loads only the libraries it calls (cert-issue sign: libcrypto,
# SQLite, jansson; not libcurl, OpenLDAP or c-ares): Debian's toolchain does
# this by default, others do not.
ALL_LDFLAGS = -Wl,--as-needed $(LDFLAGS) $(SANFLAGS)

LIB_SRC := $(sort $(wildcard certtool/lib/*/*.c))
LIB_HDR := $(wildcard certtool/lib/*/*.h)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB_A := $(BUILD)/libck.a
TOOLS := $(sort $(patsubst certtool/%.c,%,$(wildcard certtool/cert-*.c)))
BINS := $(TOOLS:%=$(BUILD)/bin/%)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
MANS := $(wildcard man/*.1 man/*.5 man/*.7)

.SECONDARY:

.PHONY: deb build-deps build-deps-tests all tests deps check check-quick demo install uninstall lint fuzz fuzz-long bench clean

all: $(BINS)

tests: $(BINS) $(UNIT_BINS)

# Before the first compile: are the libraries there?  (A fresh machine
# would otherwise stop at "jansson.h: No such file or directory".)
build-deps:
	@sh tests/build-deps.sh $(PKGS)

build-deps-tests:
	@sh tests/build-deps.sh cmocka

$(BUILD)/certtool/%.o: certtool/%.c $(LIB_HDR) | build-deps
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	$(say) AR $@
	$(Q)ar rcs $@ $(LIB_OBJ)

$(BUILD)/bin/%: $(BUILD)/certtool/%.o $(LIB_A)
	@mkdir -p $(@D)
	$(say) LINK $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB_A) $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_A) $(LIB_HDR) | build-deps-tests
	@mkdir -p $(@D)
	$(say) TEST $@
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_A) $(PKG_LIBS) \
		$(shell pkg-config --cflags --libs cmocka 2>/dev/null)

deps:
	@sh tests/deps.sh

# The full suite: unit + end-to-end + man EXAMPLES, then the same under
# ASan/UBSan, then a short fuzz run per target, with make lint first.  Every
# build directory derives from BUILD ($(BUILD)-san, $(BUILD)-fuzz).  Ends with
# "N passed, N failed".
check: deps
	@$(MAKE) --no-print-directory tests
	@CK_BUILD=$(BUILD) sh tests/run.sh --full

# One build, unit + end-to-end only (used by the sanitizer pass; handy locally).
check-quick:
	@$(MAKE) --no-print-directory tests
	@CK_BUILD=$(BUILD) sh tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@CK_BUILD=$(BUILD) sh tests/demo.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DATADIR)/policy \
		$(DESTDIR)$(COMPDIR)
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)
	for m in $(MANS); do s=$${m##*.}; install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s; done
	for f in templates/*.json; do [ -e "$$f" ] && install -m 0644 "$$f" $(DESTDIR)$(DATADIR)/templates; done; true
	for f in policy/*.json; do [ -e "$$f" ] && install -m 0644 "$$f" $(DESTDIR)$(DATADIR)/policy; done; true
	for t in $(TOOLS); do install -m 0644 completion/certkit.bash $(DESTDIR)$(COMPDIR)/$$t; done

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(BINDIR)/$$t $(DESTDIR)$(COMPDIR)/$$t; done
	for m in $(MANS); do s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done
	rm -rf $(DESTDIR)$(DATADIR)

lint:
	@sh tests/lint.sh

# The Debian package, built with debhelper (debian/) from a copy of this tree
# in build-deb/, then checked with lintian (errors fail the target).
VERSION := $(shell sed -n 's/^\#define CK_VERSION "\(.*\)"/\1/p' certtool/lib/core/ck_tool.h)
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
DEB = build-deb/certkit_$(VERSION)_$(DEB_ARCH).deb
deb:
	@sh tests/deps.sh
	@rm -rf build-deb && mkdir -p build-deb/certkit-$(VERSION)
	@tar --exclude='./build*' --exclude=./.git -cf - . | tar -C build-deb/certkit-$(VERSION) -xf -
	@cd build-deb/certkit-$(VERSION) && \
		DEB_BUILD_OPTIONS="parallel=$$(nproc) $${DEB_BUILD_OPTIONS:-}" \
		dpkg-buildpackage -b -us -uc >../build.log 2>&1 || { tail -n 30 ../build.log; exit 1; }
	@lintian --fail-on error $(DEB) || { echo "make deb: lintian found errors" >&2; exit 1; }
	@echo "$(DEB)"

# libFuzzer targets, built with clang into $(BUILD)-fuzz/ (build-fuzz/ by default).
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer-no-link,address,undefined -D_GNU_SOURCE \
	-DCK_DATADIR='"$(DATADIR)"' $(LIB_INC) $(PKG_CFLAGS)
FUZZ_BUILD ?= $(BUILD)-fuzz
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_BINS := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)

$(FUZZ_BUILD)/certtool/%.o: certtool/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)clang $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/%: tests/fuzz/%.c $(FUZZ_LIB_OBJ)
	@mkdir -p $(@D)
	$(say) FUZZ $@
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) $(PKG_LIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz.sh $(FUZZ_BINS)

# Before a release: every target for FUZZ_LONG_SECONDS (10 minutes) on a
# corpus kept in FUZZ_CORPUS/<target>/ between runs (docs/HACKING.md).
FUZZ_LONG_SECONDS ?= 600
fuzz-long:
	@if [ -z "$(FUZZ_CORPUS)" ]; then \
		echo "make fuzz-long: name a directory to keep the corpus in: make fuzz-long FUZZ_CORPUS=\$$HOME/certkit-corpus" >&2; \
		exit 2; fi
	@$(MAKE) --no-print-directory fuzz-build
	@FUZZ_SECONDS=$(FUZZ_LONG_SECONDS) FUZZ_CORPUS="$(FUZZ_CORPUS)" sh tests/fuzz.sh $(FUZZ_BINS)

bench: deps
	@$(MAKE) --no-print-directory all
	@CK_BUILD=$(BUILD) sh tests/bench.sh

clean:
	rm -rf build build-san build-fuzz build-*

# Syntax/warning check of one C file without touching the shared build:
#   make syntax F=certtool/lib/core/ck_foo.c
syntax:
	$(CC) $(ALL_CFLAGS) -fsyntax-only $(F)
