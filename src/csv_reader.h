/*
 * csv_reader.h: an RFC 4180 CSV reader for code lists, with another
 * delimiter if asked (tab-separated text).
 *
 * Pure C, no server headers (fuzzed in test/fuzz/fuzz_code_list.c).  Reads
 * one record at a time; quoted fields may hold commas, doubled quotes and
 * line breaks.  Accepts LF and CRLF line ends.  A call reads at most about
 * twice CSV_MAX_RECORD bytes, so it needs no interrupt poll of its own
 * (interrupt_poll.h): the caller's, record by record, is enough.
 */
#ifndef CODESET_CSV_READER_H
#define CODESET_CSV_READER_H

#include <stdbool.h>
#include <stddef.h>

#define CSV_MAX_FIELDS 64
#define CSV_MAX_RECORD 65536

typedef struct CsvField
{
	const char *ptr;			/* into the reader's scratch buffer */
	size_t		len;
} CsvField;

typedef struct CsvReader
{
	const char *data;
	size_t		len;
	size_t		pos;
	long		line_no;		/* physical lines consumed so far */
	long		record_line;	/* line on which the last record started */
	char		delimiter;		/* ',' unless set: '\t' for tab-separated text */
	bool		quoting;		/* quotes enclose fields (not in tab-separated text) */
	char		scratch[CSV_MAX_RECORD];
	char		error[200];
} CsvReader;

extern void csv_reader_init(CsvReader *r, const char *data, size_t len);

/* Fields separated by another byte (the AMA's descriptor files: a tab,
 * and then quotes are plain characters); false for one that cannot be (a
 * quote, a line end, NUL). */
extern bool csv_reader_set_delimiter(CsvReader *r, char delimiter);

/* The first line has a tab and no comma: the file is most likely
 * tab-separated, whatever error reading it as CSV gave. */
extern bool csv_looks_tab_separated(const char *data, size_t len);

/*
 * Read the next record into fields[].  Returns the number of fields (>= 1),
 * 0 at the end of the data, -1 on a malformed record (r->error says why,
 * r->record_line where).
 */
extern int	csv_next(CsvReader *r, CsvField *fields, int max_fields);

#endif
