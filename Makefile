# ftkpi - build, test and run.
#
#   make run      install what is missing, build, run the main job on samples/
#   make test     the same set-up, then every unit and end-to-end test
#   make test SANITIZE=1   every test under AddressSanitizer and UBSan
#   make test SANITIZE=thread   the tests under ThreadSanitizer (the
#                          workbooks are written by several threads, the CSV
#                          reader reads ahead on one), but for E2E_SKIP
#   make bench    throughput and memory benchmarks (docs/benchmarks.md)
#   make install PREFIX=/usr/local, make clean

PREFIX ?= /usr/local
SANITIZE ?=
WERROR ?= 1
CC ?= cc
CFLAGS ?= -O2 -g

WARNINGS := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wwrite-strings -Wvla -Wformat=2 -Wundef -fno-common
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

BUILD := build
ifeq ($(SANITIZE),1)
BUILD := build/sanitize
CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
# The CSV reader reads ahead on a thread (docs/decisions.md).
# Two end-to-end scripts are left out of this pass: publish.sh (hundreds
# of fault-injected runs of the single-threaded publish step) and
# reference.sh (KPI values against the reference) take two thirds of its
# time under TSan and reach no threaded code that run.sh, workbook.sh,
# shard.sh and signals.sh do not; the other two passes run them.
ifeq ($(SANITIZE),thread)
BUILD := build/tsan
CFLAGS += -fsanitize=thread -fno-omit-frame-pointer
LDFLAGS += -fsanitize=thread
E2E_SKIP ?= publish.sh reference.sh
endif

ALL_CFLAGS := $(WARNINGS) $(CFLAGS) -D_GNU_SOURCE -I. -MMD -MP
LIBS := -lxlsxwriter -lcsv -linih -lcrypto -lgmp -lz -lm -pthread
# The program allocates with mimalloc (docs/decisions.md): linked first and
# kept even though no code names it, it takes malloc and free for the whole
# process, libxlsxwriter's per-cell allocations included. The sanitizers
# bring their own allocator, so their builds keep the C library's.
MALLOC_LIB := -Wl,--push-state,--no-as-needed -lmimalloc -Wl,--pop-state
ifneq ($(SANITIZE),)
MALLOC_LIB :=
endif

# The sample generator lives in cmd/ beside `ftkpi samples`, but its unit
# test links it with the library like any module.
SAMPLEGEN := cmd/samplegen.c cmd/sample_files.c
LIB_SRCS := $(sort $(wildcard kpi/*.c pipeline/*.c pipeline/*/*.c)) $(SAMPLEGEN)
CMD_SRCS := $(filter-out $(SAMPLEGEN),$(sort $(wildcard cmd/*.c)))
GEN_SRCS := $(BUILD)/gen/default_config.c
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/default_config.o
CMD_OBJS := $(CMD_SRCS:%.c=$(BUILD)/obj/%.o)
# The code under test is built again with -DUNIT_TESTING so that cmocka's
# allocator sees every allocation and reports leaks. The tests link libmd
# too: an independent SHA-256 to check ours against.
TLIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/tobj/%.o) $(BUILD)/tobj/gen/default_config.o
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# Helpers every unit test may use (scratch folders and files, loading a
# configuration).
UNIT_LIB := $(BUILD)/tobj/tests/unit/scratch.o \
	$(BUILD)/tobj/tests/unit/config_fixture.o

FTKPI := $(BUILD)/ftkpi

.PHONY: all deps run test unit e2e bench fuzz fuzz-split install clean format \
	format-check samples
# Keep the test objects between builds (they are intermediate to make).
.SECONDARY:
all: $(FTKPI)

deps:
	@sh scripts/deps.sh

# When a goal sets up the machine (run, test, bench, or deps named
# itself), every compile waits for deps, an order-only prerequisite: with
# -j2 nothing compiles while apt-get is still installing the headers it
# needs. Plain `make` (all) installs nothing and does not wait.
DEPS_FIRST := $(if $(filter deps run test bench,$(MAKECMDGOALS)),deps)

$(FTKPI): $(CMD_OBJS) $(LIB_OBJS) | $(DEPS_FIRST)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(MALLOC_LIB) $(LIBS)

$(BUILD)/obj/%.o: %.c | $(DEPS_FIRST)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tobj/%.o: %.c | $(DEPS_FIRST)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DUNIT_TESTING -c -o $@ $<

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c | $(DEPS_FIRST)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tobj/gen/%.o: $(BUILD)/gen/%.c | $(DEPS_FIRST)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DUNIT_TESTING -c -o $@ $<

# The default configuration ships inside the binary, taken byte for byte
# from templates/ftkpi.ini, so the program needs no file at run time.
$(BUILD)/gen/default_config.c: templates/ftkpi.ini scripts/embed.sh | $(DEPS_FIRST)
	@mkdir -p $(dir $@)
	sh scripts/embed.sh config_default_text $< > $@

$(BUILD)/tests/test_%: tests/unit/test_%.c $(TLIB_OBJS) $(UNIT_LIB) | $(DEPS_FIRST)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -DUNIT_TESTING -o $@ $< $(filter %.o,$^) $(LIBS) -lcmocka -lmd

run: deps $(FTKPI)
	$(FTKPI) run --in samples --out out

test: deps $(FTKPI) $(UNIT_BINS)
	@E2E_SKIP="$(E2E_SKIP)" sh tests/run.sh $(BUILD)

unit: $(UNIT_BINS)
	@sh tests/run.sh $(BUILD) unit

e2e: $(FTKPI)
	@E2E_SKIP="$(E2E_SKIP)" sh tests/run.sh $(BUILD) e2e

# libxlsxwriter's own single-thread rate, the floor the workbooks are
# measured against (tests/bench/xlsx_floor.c).
$(BUILD)/tools/xlsx_floor: tests/bench/xlsx_floor.c | $(DEPS_FIRST)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< -lxlsxwriter

bench: deps $(FTKPI) $(BUILD)/tools/xlsx_floor
	@sh tests/bench.sh $(FTKPI) $(BUILD)/tools/xlsx_floor

# Fuzzes the ingest path with libFuzzer (clang) for FUZZ_SECONDS; an input
# that fails lands in tests/fuzz/regressions, which every `make test`
# replays (tests/unit/test_fuzz.c). Not part of CI: it runs until stopped.
FUZZ_SECONDS ?= 60
# The workbook (report_xlsx.c and its sheet engine and sheets, sheet*.c,
# and xlsx_threads.c) needs libxlsxwriter, which the harness does not link.
FUZZ_SRCS := $(filter-out pipeline/cohort/%.c pipeline/report/report_xlsx.c \
	pipeline/report/sheet%.c pipeline/report/xlsx_threads.c $(SAMPLEGEN),$(LIB_SRCS))
build/fuzz/fuzz_ingest: tests/fuzz/fuzz_ingest.c $(FUZZ_SRCS) $(BUILD)/gen/default_config.c
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -I. -g -O1 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $^ -lcsv -linih -lcrypto -lgmp -lz -lm -pthread

fuzz: build/fuzz/fuzz_ingest
	@mkdir -p build/fuzz/corpus
	cp tests/fuzz/corpus/* build/fuzz/corpus/
	build/fuzz/fuzz_ingest -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-artifact_prefix=tests/fuzz/regressions/ build/fuzz/corpus

# Compares the CSV reader's splitter of lines without quotes with libcsv
# (tests/fuzz/fuzz_csv_split.c); failures land in
# tests/fuzz/regressions_split, replayed by tests/unit/test_csv_reader.c.
build/fuzz/fuzz_csv_split: tests/fuzz/fuzz_csv_split.c pipeline/ingest/csv_reader.c \
		pipeline/ingest/source.c pipeline/base/grow.c pipeline/base/ftk_error.c
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -I. -g -O1 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $^ -lcsv -lcrypto -lz -pthread

fuzz-split: build/fuzz/fuzz_csv_split
	@mkdir -p build/fuzz/corpus_split
	cp tests/fuzz/corpus_split/* build/fuzz/corpus_split/
	build/fuzz/fuzz_csv_split -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-artifact_prefix=tests/fuzz/regressions_split/ build/fuzz/corpus_split

# The program, its default configuration, the manual page (man/ftkpi.1)
# and the bash completion (contrib/bash-completion/ftkpi).
MANDIR ?= $(PREFIX)/share/man
BASH_COMPLETION_DIR ?= $(PREFIX)/share/bash-completion/completions
install: $(FTKPI)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/ftkpi \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASH_COMPLETION_DIR)
	install -m 755 $(FTKPI) $(DESTDIR)$(PREFIX)/bin/ftkpi
	install -m 644 templates/ftkpi.ini $(DESTDIR)$(PREFIX)/share/ftkpi/ftkpi.ini
	install -m 644 man/ftkpi.1 $(DESTDIR)$(MANDIR)/man1/ftkpi.1
	install -m 644 contrib/bash-completion/ftkpi \
		$(DESTDIR)$(BASH_COMPLETION_DIR)/ftkpi

# Regenerates the committed sample data set (samples/README.md).
samples: $(FTKPI)
	$(FTKPI) samples --tenants 300 --months 20 --seed 7 --last-month 2026-10 --out samples

# Every C file of the project, formatted by the root .clang-format;
# format-check (run by .ci/run) fails on any difference.
C_FILES = $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null || \
	find cmd kpi pipeline tests -name '*.[ch]')

format:
	clang-format -i $(C_FILES)

format-check:
	@clang-format --dry-run --Werror $(C_FILES) && \
		echo "format-check: $(words $(C_FILES)) files formatted"

clean:
	rm -rf build out

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
