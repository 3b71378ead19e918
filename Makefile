# codeset: PGXS build.  `make && make install`, then `make installcheck`
# against a running server; tools/test.sh runs everything in a throwaway one.

EXTENSION   = codeset
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" codeset.control)

MODULE_big  = codeset
OBJS        = $(addprefix src/, codeset.o medcode_parse.o medcode_classify.o \
                medcode_io.o medcode_ops.o medcode_class.o \
                hcpcs_file.o csv_reader.o release_files.o extension_context.o validity.o \
                claim_line.o claim_line_sql.o)

DATA        = $(wildcard sql/codeset--*.sql)
DOCS        = doc/codeset.md

REGRESS     = $(sort $(patsubst sql/%.sql,%,$(filter-out sql/codeset--%.sql,$(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=. --load-extension=codeset

EXTRA_CLEAN = test/unit/test_medcode test/fuzz/fuzz_medcode results regression.diffs regression.out

PG_CONFIG  ?= pg_config
PGXS       := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Server-free tests of the pure-C parsers (TAP, for prove).
PURE_SRC = src/medcode_parse.c src/medcode_classify.c
UNIT_CFLAGS = -std=c99 -O1 -g -Wall -Wextra -Werror -Isrc

test/unit/test_medcode: test/unit/test_medcode.c $(PURE_SRC) src/medcode.h
	$(CC) $(UNIT_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
		-o $@ test/unit/test_medcode.c $(PURE_SRC)

.PHONY: unit fuzz
unit: test/unit/test_medcode
	prove test/unit/test_medcode test/unit/meta_version.sh

# libFuzzer targets: `make fuzz FUZZ_SECONDS=600` runs each for that long.
FUZZ_SECONDS ?= 20
FUZZ_CC ?= clang
FUZZ_TARGETS = test/fuzz/fuzz_medcode

test/fuzz/fuzz_medcode: test/fuzz/fuzz_medcode.c $(PURE_SRC) src/medcode.h
	$(FUZZ_CC) -g -O1 -Isrc -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ test/fuzz/fuzz_medcode.c $(PURE_SRC)

fuzz: $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
		bash test/fuzz/run.sh $$t $(FUZZ_SECONDS) || exit 1; \
	done

# The CMS files the install script loads (data/SOURCES.md).
SHIPPED_DIR = $(DESTDIR)$(datadir)/codeset_data
install: install-shipped-data
.PHONY: install-shipped-data
install-shipped-data:
	$(MKDIR_P) '$(SHIPPED_DIR)/hcpcs_anweb' '$(SHIPPED_DIR)/opps_addendum_b_level2'
	$(INSTALL_DATA) $(wildcard data/hcpcs_anweb/*ANWEB*.txt) '$(SHIPPED_DIR)/hcpcs_anweb/'
	$(INSTALL_DATA) $(wildcard data/opps_addendum_b_level2/*.csv) '$(SHIPPED_DIR)/opps_addendum_b_level2/'

# PGXS tracks no header dependencies: rebuild every object when one changes.
$(OBJS): $(wildcard src/*.h)
