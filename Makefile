# codeset: PGXS build.  `make && make install`, then `make installcheck`
# against a running server; tools/test.sh runs everything in a throwaway one.

EXTENSION   = codeset
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" codeset.control)

MODULE_big  = codeset
OBJS        = $(addprefix src/, codeset.o medcode_parse.o medcode_classify.o \
                medcode_io.o medcode_ops.o medcode_classify_sql.o \
                hcpcs_file.o csv_reader.o release_files.o extension_context.o validity.o validity_image.o validity_shared.o day_timeline.o \
                claim_line.o claim_line_sql.o \
                medcodeset_parse.o medcodeset_io.o medcodeset_ops.o medcodeset_planner.o named_sets.o \
                server_file.o descriptions.o citus_nodes.o history_derive.o history_derive_sql.o first_repeat.o interrupt_poll.o)

# The install script of the version in development is built from parts that
# sit beside the C they serve; released versions' scripts and the upgrade
# scripts are kept as they shipped.
CODESET_SQL_PARTS = $(addprefix src/, schema.sql medcode.sql medcode_ops.sql medcode_classify.sql \
                extension_context.sql code_tables.sql release_files.sql server_file.sql history.sql loaders.sql \
                validity.sql claim_line.sql code_lookup.sql medcodeset.sql named_sets.sql citus_nodes.sql shipped_data.sql)
DATA_built  = sql/codeset--$(EXTVERSION).sql
DATA        = $(filter-out $(DATA_built), $(wildcard sql/codeset--*.sql))
DOCS        = doc/codeset.md doc/guarantees.md doc/citus.md

REGRESS     = $(sort $(patsubst sql/%.sql,%,$(filter-out sql/codeset--%.sql,$(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=. --load-extension=codeset
# The library knows its version: a stored cache image names the one that wrote it
PG_CPPFLAGS += -DCODESET_VERSION='"$(EXTVERSION)"'
# The tests' output must not depend on the calendar: the WARNING about
# families behind it is off (tested with fixed dates, and in
# test/stale_warning.sh with today's)
installcheck: export PGOPTIONS += -c codeset.stale_warning=off

UNIT_TESTS  = test/unit/test_medcode test/unit/test_release_files test/unit/test_day_timeline \
	test/unit/test_history_derive test/unit/test_first_repeat test/unit/test_interrupt_poll
FUZZ_TARGETS = test/fuzz/fuzz_medcode test/fuzz/fuzz_hcpcs_file test/fuzz/fuzz_code_list \
	test/fuzz/fuzz_claim_line test/fuzz/fuzz_medcodeset
EXTRA_CLEAN = $(DATA_built) $(UNIT_TESTS) $(FUZZ_TARGETS) results regression.diffs regression.out

PG_CONFIG  ?= pg_config
PGXS       := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Server-free tests of the pure-C parsers (TAP, for prove).
PURE_SRC = src/medcode_parse.c src/medcode_classify.c
UNIT_CFLAGS = -std=c99 -O1 -g -Wall -Wextra -Werror -Isrc

test/unit/test_medcode: test/unit/test_medcode.c test/unit/tap.h $(PURE_SRC) src/medcode.h src/ascii.h src/claim_line.h
	$(CC) $(UNIT_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
		-o $@ test/unit/test_medcode.c $(PURE_SRC)

# The pure cores' interrupt hook, NULL outside the server: linked with every
# core that polls it.
POLL_SRC = src/interrupt_poll.c src/interrupt_poll.h

# The CMS release file readers; reads ../shared/data when it is there.
RELEASE_SRC = src/hcpcs_file.c src/csv_reader.c src/interrupt_poll.c
test/unit/test_release_files: test/unit/test_release_files.c test/unit/tap.h $(RELEASE_SRC) src/hcpcs_file.h src/csv_reader.h src/ascii.h src/interrupt_poll.h
	$(CC) $(UNIT_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
		-o $@ test/unit/test_release_files.c $(RELEASE_SRC)

# The history derived from every release.
test/unit/test_history_derive: test/unit/test_history_derive.c test/unit/tap.h src/history_derive.c src/history_derive.h $(POLL_SRC)
	$(CC) $(UNIT_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
		-o $@ test/unit/test_history_derive.c src/history_derive.c src/interrupt_poll.c

# The long loops of the pure cores answer the interrupt hook; the set sort.
SET_SRC = src/medcodeset_parse.c $(PURE_SRC)
test/unit/test_interrupt_poll: test/unit/test_interrupt_poll.c test/unit/tap.h $(SET_SRC) src/hcpcs_file.c \
		src/history_derive.c $(POLL_SRC) src/medcodeset_parse.h src/hcpcs_file.h src/history_derive.h src/medcode.h src/ascii.h
	$(CC) $(UNIT_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
		-o $@ test/unit/test_interrupt_poll.c $(SET_SRC) src/hcpcs_file.c src/history_derive.c src/interrupt_poll.c

# The first line of a file that repeats a code.
test/unit/test_first_repeat: test/unit/test_first_repeat.c test/unit/tap.h src/first_repeat.c src/first_repeat.h
	$(CC) $(UNIT_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
		-o $@ test/unit/test_first_repeat.c src/first_repeat.c

# The day timeline behind valid(code, date).
test/unit/test_day_timeline: test/unit/test_day_timeline.c test/unit/tap.h src/day_timeline.c src/day_timeline.h
	$(CC) $(UNIT_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
		-o $@ test/unit/test_day_timeline.c src/day_timeline.c

.PHONY: unit fuzz
unit: $(UNIT_TESTS)
	prove $(UNIT_TESTS) test/unit/meta_version.sh test/unit/layout.sh test/unit/pgxn_dist.sh

# libFuzzer targets: `make fuzz FUZZ_SECONDS=600` runs each for that long.
FUZZ_SECONDS ?= 20
FUZZ_CC ?= clang
# Longest input per target (run.sh's FUZZ_MAX_LEN, 64 when unset): a HCPCS
# record is 320 columns, so the file readers need room for a few lines.
FUZZ_MAX_LEN_fuzz_hcpcs_file ?= 4096
FUZZ_MAX_LEN_fuzz_code_list ?= 1024
FUZZ_FLAGS = -g -O1 -Isrc -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

test/fuzz/fuzz_medcode: test/fuzz/fuzz_medcode.c $(PURE_SRC) src/medcode.h src/ascii.h src/claim_line.h
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ test/fuzz/fuzz_medcode.c $(PURE_SRC)

test/fuzz/fuzz_hcpcs_file: test/fuzz/fuzz_hcpcs_file.c src/hcpcs_file.c src/hcpcs_file.h src/ascii.h $(POLL_SRC)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ test/fuzz/fuzz_hcpcs_file.c src/hcpcs_file.c src/interrupt_poll.c

test/fuzz/fuzz_claim_line: test/fuzz/fuzz_claim_line.c src/claim_line.c src/claim_line.h src/ascii.h $(PURE_SRC)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ test/fuzz/fuzz_claim_line.c src/claim_line.c $(PURE_SRC)

test/fuzz/fuzz_medcodeset: test/fuzz/fuzz_medcodeset.c src/medcodeset_parse.c src/medcodeset_parse.h src/ascii.h $(PURE_SRC) $(POLL_SRC)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ test/fuzz/fuzz_medcodeset.c src/medcodeset_parse.c $(PURE_SRC) src/interrupt_poll.c

test/fuzz/fuzz_code_list: test/fuzz/fuzz_code_list.c src/csv_reader.c src/csv_reader.h
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ test/fuzz/fuzz_code_list.c src/csv_reader.c

fuzz: $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
		case $$t in \
			*/fuzz_hcpcs_file) len=$(FUZZ_MAX_LEN_fuzz_hcpcs_file) ;; \
			*/fuzz_code_list) len=$(FUZZ_MAX_LEN_fuzz_code_list) ;; \
			*/fuzz_medcodeset) len=256 ;; \
			*) len=$${FUZZ_MAX_LEN:-64} ;; \
		esac; \
		FUZZ_MAX_LEN=$$len bash test/fuzz/run.sh $$t $(FUZZ_SECONDS) || exit 1; \
	done

# The CMS files the install script loads (data/SOURCES.md).
SHIPPED_DIR = $(DESTDIR)$(datadir)/codeset_data
install: install-shipped-data
.PHONY: install-shipped-data
install-shipped-data:
	$(MKDIR_P) '$(SHIPPED_DIR)/hcpcs_anweb' '$(SHIPPED_DIR)/opps_addendum_b_level2'
	$(INSTALL_DATA) $(wildcard data/hcpcs_anweb/*ANWEB*.txt) '$(SHIPPED_DIR)/hcpcs_anweb/'
	$(INSTALL_DATA) $(wildcard data/opps_addendum_b_level2/*.csv) '$(SHIPPED_DIR)/opps_addendum_b_level2/'

$(DATA_built): $(CODESET_SQL_PARTS) codeset.control Makefile
	{ printf -- '-- codeset--%s.sql: built by make from the parts src/NAME.sql (edit those)\n\n' '$(EXTVERSION)'; \
	  printf '\\echo Use "CREATE EXTENSION codeset" to load this file. \\quit\n'; \
	  for f in $(CODESET_SQL_PARTS); do printf '\n'; cat $$f; done; } > $@

# PGXS tracks no header dependencies: rebuild every object when one changes.
$(OBJS): $(wildcard src/*.h)

# PGXN release: `make dist` writes $(EXTENSION)-$(DIST_VERSION).zip, the
# version META.json gives (DIST_DIR=dir puts it elsewhere), every file under
# the top directory $(EXTENSION)-$(DIST_VERSION)/: the committed tree (git
# archive HEAD) and the install script that META.json's "provides" names,
# which make builds (DATA_built, not tracked).  That script is built from
# HEAD's parts in a temporary directory, so the zip matches HEAD even when the
# working tree has uncommitted edits; nothing is written into the checkout.
DIST_VERSION = $(shell python3 -c 'import json; print(json.load(open("META.json"))["version"])' 2>/dev/null || \
                 sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' META.json | head -1)
DIST_NAME    = $(EXTENSION)-$(DIST_VERSION)
DIST_DIR    ?= .
.PHONY: dist
dist:
	@test -n '$(DIST_VERSION)' || { echo 'make dist: META.json gives no "version"' >&2; exit 1; }
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	git archive --format tar HEAD | tar -x -C "$$tmp"; \
	if git ls-files --error-unmatch '$(DATA_built)' >/dev/null 2>&1; then add=; else \
	    $(MAKE) -s -C "$$tmp" PG_CONFIG='$(PG_CONFIG)' '$(DATA_built)'; \
	    add="--prefix=$(DIST_NAME)/$(dir $(DATA_built)) --add-file=$$tmp/$(DATA_built)"; fi; \
	git archive --format zip $$add --prefix='$(DIST_NAME)/' -o '$(DIST_DIR)/$(DIST_NAME).zip' HEAD; \
	echo "make dist: wrote $(DIST_DIR)/$(DIST_NAME).zip"
