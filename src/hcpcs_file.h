/*
 * hcpcs_file.h: reader of the CMS alpha-numeric HCPCS file (ANWEB), the
 * fixed-width 320-column text CMS publishes each quarter.
 *
 * Pure C, no server headers (fuzzed in test/fuzz/fuzz_hcpcs_file.c).
 * Positions follow the CMS record layout (HCPCS2019_recordlayout.txt);
 * shared/data/SOURCES.md lists the traps this reader handles: disclaimer
 * lines before the first record, continuation lines cut to 91 columns,
 * right-justified modifiers, CRLF line ends.  Continuation records may be
 * cut to 91 columns (2017, 2020) or padded to 320 (2018, 2019, 2026).
 *
 * A long description may run to any length (CMS's 2025 G0556-G0558 have
 * about 4,500 characters): the reader joins it into a buffer of its own that
 * grows as needed.  The entry points into that buffer, so the text is valid
 * until the next hcpcs_next() or hcpcs_reader_free() on the same reader.
 */
#ifndef CODESET_HCPCS_FILE_H
#define CODESET_HCPCS_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HCPCS_RECORD_LEN 320
#define HCPCS_FIRST_RECORD_MIN_LEN 293	/* through the action code */

/* A trimmed slice of the current first record line: offset and length. */
typedef struct HcpcsSlice
{
	uint16_t	off;
	uint16_t	len;
} HcpcsSlice;

/* One code: its first record's fields and the joined long description. */
typedef struct HcpcsEntry
{
	char		code[6];		/* 5 for a procedure, 2 for a modifier */
	bool		is_modifier;
	long		line_no;		/* 1-based line of the first record */
	char		line[HCPCS_RECORD_LEN + 1];	/* the first record, space-padded */
	const char *long_desc;		/* NUL-terminated, in the reader's buffer */
	size_t		long_desc_len;
	HcpcsSlice	short_desc;
	HcpcsSlice	pricing[4];
	HcpcsSlice	multi_pricing;
	HcpcsSlice	cim[3];
	HcpcsSlice	mcm[3];
	HcpcsSlice	statute;
	HcpcsSlice	lab_cert[8];
	HcpcsSlice	xref[5];
	HcpcsSlice	coverage;
	HcpcsSlice	asc_group;
	HcpcsSlice	opps;
	HcpcsSlice	opps_pi;
	HcpcsSlice	proc_note;
	HcpcsSlice	betos;
	HcpcsSlice	tos[5];
	HcpcsSlice	anesthesia_bu;
	int32_t		add_date;		/* dates as YYYYMMDD, 0 when blank */
	int32_t		action_effective_date;
	int32_t		termination_date;
	char		action_code;
} HcpcsEntry;

/*
 * How the reader gets memory for the long description: realloc_fn(NULL, n)
 * allocates, realloc_fn(p, n) grows p; NULL from either is out of memory.
 * The default is realloc()/free(); the server passes palloc-based ones, so
 * an error raised part-way leaks nothing.
 */
typedef void *(*HcpcsReallocFn) (void *ptr, size_t size);
typedef void (*HcpcsFreeFn) (void *ptr);

typedef struct HcpcsReader
{
	const char *data;
	size_t		len;
	size_t		pos;
	long		line_no;
	bool		seen_record;
	/* one line of look-ahead */
	const char *next_line;
	size_t		next_len;
	long		next_line_no;
	bool		have_next;
	char		error[256];
	long		error_line;
	/* the joined long description of the current entry */
	char	   *desc;
	size_t		desc_cap;
	HcpcsReallocFn realloc_fn;
	HcpcsFreeFn free_fn;
} HcpcsReader;

typedef enum HcpcsStatus
{
	HCPCS_ENTRY,				/* *entry holds the next code */
	HCPCS_END,					/* no more records */
	HCPCS_ERROR					/* reader->error and error_line say what */
} HcpcsStatus;

extern void hcpcs_reader_init(HcpcsReader *r, const char *data, size_t len);
/* Optional, right after init: the allocator for the description buffer. */
extern void hcpcs_reader_set_allocator(HcpcsReader *r, HcpcsReallocFn realloc_fn,
									   HcpcsFreeFn free_fn);
extern HcpcsStatus hcpcs_next(HcpcsReader *r, HcpcsEntry *entry);
/* Frees the description buffer; the last entry's long_desc goes with it. */
extern void hcpcs_reader_free(HcpcsReader *r);

/* The slice's text, not NUL-terminated. */
static inline const char *
hcpcs_slice_ptr(const HcpcsEntry *e, HcpcsSlice s)
{
	return e->line + s.off;
}

/* true for a valid calendar date written YYYYMMDD as an integer */
extern bool hcpcs_date_ok(int32_t yyyymmdd);

#endif
