/*
 * csv_reader.c: an RFC 4180 CSV reader for code lists (or another
 * delimiter: tab-separated text).  Pure C.
 */
#include "csv_reader.h"

#include <stdio.h>
#include <string.h>

void
csv_reader_init(CsvReader *r, const char *data, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->data = data;
	r->len = len;
	r->delimiter = ',';
	r->quoting = true;
	/* A UTF-8 byte order mark is no part of the first field. */
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		r->pos = 3;
}

bool
csv_reader_set_delimiter(CsvReader *r, char delimiter)
{
	/* a quote or a line end cannot also separate fields */
	if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == '\0')
		return false;
	r->delimiter = delimiter;
	/* tab-separated text has no quoting: a quote is a plain character
	 * (descriptors write inches as 12")  */
	r->quoting = delimiter != '\t';
	return true;
}

bool
csv_looks_tab_separated(const char *data, size_t len)
{
	bool		tab = false;

	for (size_t i = 0; i < len && data[i] != '\n'; i++)
	{
		if (data[i] == ',')
			return false;
		if (data[i] == '\t')
			tab = true;
	}
	return tab;
}

static int
fail(CsvReader *r, const char *msg)
{
	snprintf(r->error, sizeof(r->error), "%s", msg);
	return -1;
}

int
csv_next(CsvReader *r, CsvField *fields, int max_fields)
{
	size_t		out = 0;		/* bytes used in scratch */
	int			nfields = 0;
	size_t		field_start = 0;
	bool		quoted = false;
	bool		after_quote = false;	/* the closing quote of a field was read */

	if (r->pos >= r->len)
		return 0;
	r->line_no++;
	r->record_line = r->line_no;

	for (;;)
	{
		int			c = (r->pos < r->len) ? (unsigned char) r->data[r->pos] : -1;

		if (quoted)
		{
			if (c == -1)
				return fail(r, "a quoted field is not closed before the end of the file");
			r->pos++;
			if (c == '"')
			{
				if (r->pos < r->len && r->data[r->pos] == '"')
				{
					r->pos++;
					if (out >= sizeof(r->scratch))
						return fail(r, "record is longer than 65536 bytes");
					r->scratch[out++] = '"';
					continue;
				}
				quoted = false;
				after_quote = true;
				continue;
			}
			if (c == '\n')
				r->line_no++;
			if (out >= sizeof(r->scratch))
				return fail(r, "record is longer than 65536 bytes");
			r->scratch[out++] = (char) c;
			continue;
		}

		if (c == (unsigned char) r->delimiter || c == '\n' || c == '\r' || c == -1)
		{
			if (nfields >= max_fields)
			{
				snprintf(r->error, sizeof(r->error), "record has more than %d fields", max_fields);
				return -1;
			}
			fields[nfields].ptr = r->scratch + field_start;
			fields[nfields].len = out - field_start;
			nfields++;
			field_start = out;
			after_quote = false;
			if (c == (unsigned char) r->delimiter)
			{
				r->pos++;
				continue;
			}
			if (c == '\r')
			{
				r->pos++;
				if (r->pos < r->len && r->data[r->pos] == '\n')
					r->pos++;
				else
					return fail(r, "a carriage return stands alone; lines end in LF or CRLF");
			}
			else if (c == '\n')
				r->pos++;
			return nfields;
		}

		r->pos++;
		if (after_quote)
			return fail(r, "text follows the closing quote of a field");
		if (c == '"' && r->quoting)
		{
			if (out != field_start)
				return fail(r, "a quote stands inside an unquoted field");
			quoted = true;
			continue;
		}
		if (out >= sizeof(r->scratch))
			return fail(r, "record is longer than 65536 bytes");
		r->scratch[out++] = (char) c;
	}
}
