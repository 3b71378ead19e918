/*
 * fuzz_code_list.c: libFuzzer target for the RFC 4180 CSV reader
 * (src/csv_reader.c) that reads code lists.
 *
 * Build: make test/fuzz/fuzz_code_list (clang -fsanitize=fuzzer,address,undefined)
 * Run:   FUZZ_MAX_LEN=1024 bash test/fuzz/run.sh test/fuzz/fuzz_code_list 60
 *
 * The input is a whole file: copied to an exact-size heap buffer with no
 * NUL, so ASan catches any read past len, and read record by record until
 * the end or an error.  An independent reader written here (oracle_next)
 * must give the same records, fields and errors; each record read is also
 * written back out as CSV (every field quoted) and read again, which must
 * give the same fields.
 * Invariants are checked with abort(), which libFuzzer reports as a crash
 * and saves the input.
 */
#include "csv_reader.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "fuzz_code_list: invariant failed at line %d: %s\n", __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

static CsvReader reader;
static CsvReader again;

/* fields[] point into r->scratch, one after the other */
static void
check_fields(const CsvReader *r, const CsvField *fields, int n)
{
	const char *lo = r->scratch;
	const char *hi = r->scratch + sizeof(r->scratch);
	const char *prev_end = lo;

	CHECK(n >= 1 && n <= CSV_MAX_FIELDS);
	for (int i = 0; i < n; i++)
	{
		CHECK(fields[i].ptr >= lo && fields[i].ptr <= hi);
		CHECK(fields[i].len <= (size_t) (hi - fields[i].ptr));
		CHECK(fields[i].ptr >= prev_end);
		prev_end = fields[i].ptr + fields[i].len;
	}
}

/* Writes the record as CSV with every field quoted; returns its length. */
static size_t
write_record(char *out, const CsvField *fields, int n)
{
	size_t		o = 0;

	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			out[o++] = ',';
		out[o++] = '"';
		for (size_t j = 0; j < fields[i].len; j++)
		{
			if (fields[i].ptr[j] == '"')
				out[o++] = '"';
			out[o++] = fields[i].ptr[j];
		}
		out[o++] = '"';
	}
	out[o++] = '\r';
	out[o++] = '\n';
	return o;
}

static void
check_round_trip(const CsvField *fields, int n)
{
	size_t		cap = 4;
	char	   *text;
	size_t		len;
	CsvField	f2[CSV_MAX_FIELDS];
	int			n2;
	long		newlines = 0;

	for (int i = 0; i < n; i++)
		cap += 2 * fields[i].len + 3;
	text = malloc(cap);
	CHECK(text != NULL);
	len = write_record(text, fields, n);
	CHECK(len <= cap);
	for (size_t i = 0; i + 1 < len; i++)
		newlines += text[i] == '\n';

	/* the text starts with a quote, so never with a byte order mark */
	csv_reader_init(&again, text, len);
	n2 = csv_next(&again, f2, CSV_MAX_FIELDS);
	CHECK(n2 == n);
	CHECK(again.record_line == 1);
	CHECK(again.line_no == 1 + newlines);
	for (int i = 0; i < n; i++)
	{
		CHECK(f2[i].len == fields[i].len);
		CHECK(memcmp(f2[i].ptr, fields[i].ptr, fields[i].len) == 0);
	}
	CHECK(csv_next(&again, f2, CSV_MAX_FIELDS) == 0);
	free(text);
}

/*
 * An independent reading of one record, field by field: the number of
 * fields, 0 at the end of the data or -1 on a malformed record, the same
 * contract as csv_next().  Field i is out[starts[i]] for lens[i] bytes.
 */
static char oracle_buf[CSV_MAX_RECORD];

static int
oracle_next(const char *d, size_t len, size_t *pos, size_t *starts, size_t *lens)
{
	size_t		p = *pos;
	size_t		out = 0;
	int			n = 0;

#define EMIT(ch) \
	do { \
		if (out >= sizeof(oracle_buf)) \
			return -1; \
		oracle_buf[out++] = (ch); \
	} while (0)

	if (p >= len)
		return 0;
	for (;;)
	{
		size_t		start = out;

		if (p < len && d[p] == '"')
		{
			/* quoted: up to a quote not doubled */
			p++;
			for (;;)
			{
				if (p >= len)
					return -1;
				if (d[p] == '"')
				{
					if (p + 1 < len && d[p + 1] == '"')
					{
						EMIT('"');
						p += 2;
						continue;
					}
					p++;
					break;
				}
				EMIT(d[p]);
				p++;
			}
		}
		else
		{
			while (p < len && d[p] != ',' && d[p] != '\n' && d[p] != '\r')
			{
				if (d[p] == '"')
					return -1;
				EMIT(d[p]);
				p++;
			}
		}
		if (n >= CSV_MAX_FIELDS)
			return -1;
		starts[n] = start;
		lens[n] = out - start;
		n++;
		if (p >= len)
			break;
		if (d[p] == ',')
		{
			p++;
			continue;
		}
		if (d[p] == '\n')
		{
			p++;
			break;
		}
		if (d[p] == '\r' && p + 1 < len && d[p + 1] == '\n')
		{
			p += 2;
			break;
		}
		return -1;				/* a lone CR, or text after a closing quote */
	}
#undef EMIT
	*pos = p;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *buf = malloc(size > 0 ? size : 1);
	CsvField	fields[CSV_MAX_FIELDS];
	long		prev_record_line = 0;
	long		n_lines = 0;
	int			n = 0;
	bool		done = false;
	size_t		opos;
	size_t		counted = 0;
	long		line_expected = 1;
	size_t		ostarts[CSV_MAX_FIELDS];
	size_t		olens[CSV_MAX_FIELDS];

	if (buf == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	for (size_t i = 0; i < size; i++)
		n_lines += buf[i] == '\n';

	csv_reader_init(&reader, buf, size);
	/* the oracle skips a UTF-8 byte order mark on its own */
	opos = (size >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
	CHECK(reader.pos == opos);
	/* every record takes at least one byte */
	for (size_t guard = 0; guard <= size + 1; guard++)
	{
		size_t		pos_before = reader.pos;
		int			on;

		/* a record starts on the line after the line ends before it */
		for (; counted < pos_before; counted++)
			line_expected += buf[counted] == '\n';
		memset(fields, 0, sizeof(fields));
		n = csv_next(&reader, fields, CSV_MAX_FIELDS);
		CHECK(n >= -1 && n <= CSV_MAX_FIELDS);
		on = oracle_next(buf, size, &opos, ostarts, olens);
		CHECK(on == n);
		if (n != 0)
			CHECK(reader.record_line == line_expected);
		if (n <= 0)
		{
			done = true;
			break;
		}
		CHECK(reader.pos == opos);
		for (int i = 0; i < n; i++)
		{
			CHECK(fields[i].len == olens[i]);
			CHECK(memcmp(fields[i].ptr, oracle_buf + ostarts[i], olens[i]) == 0);
		}
		CHECK(reader.pos > pos_before);
		CHECK(reader.pos <= size);
		check_fields(&reader, fields, n);
		CHECK(reader.record_line >= 1);
		CHECK(reader.record_line > prev_record_line);
		CHECK(reader.line_no >= reader.record_line);
		CHECK(reader.line_no <= n_lines + 1);
		prev_record_line = reader.record_line;
		/* a record ends at a line end or at the end of the data */
		CHECK(reader.pos == size || buf[reader.pos - 1] == '\n');
		check_round_trip(fields, n);
	}
	CHECK(done);
	if (n == 0)
	{
		CHECK(reader.pos >= size);
		CHECK(csv_next(&reader, fields, CSV_MAX_FIELDS) == 0);
	}
	else
	{
		CHECK(memchr(reader.error, '\0', sizeof(reader.error)) != NULL);
		CHECK(reader.error[0] != '\0');
		CHECK(reader.record_line >= 1);
		CHECK(reader.record_line >= prev_record_line);
	}

	free(buf);
	return 0;
}
