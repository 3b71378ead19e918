/*
 * hcpcs_file.c: reads a CMS alpha-numeric HCPCS file into one entry per code.
 *
 * Pure C.  The reader never trusts the file: every line it takes as a record
 * is checked (shape, length, dates, action code) and the first problem stops
 * it with the line number and a sentence, so the loader can roll back.
 * One call may read any number of lines (blank ones, the disclaimer, the
 * continuations of one code): it polls for interrupts line by line.
 */
#include "hcpcs_file.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "interrupt_poll.h"

/* 1-based positions of the CMS layout, as 0-based offsets */
#define POS_SEQ 5
#define POS_RECID 10
#define POS_LONG_DESC 11
#define LEN_LONG_DESC 80

static const char action_codes[] = "ABCDFNPRST";

static bool
is_blank_line(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* ^[A-Z0-9 ]{5}[0-9]{5}[3478]: the shape every record line starts with */
static bool
is_record_line(const char *s, size_t len)
{
	if (len < POS_RECID + 1)
		return false;
	for (int i = 0; i < 5; i++)
		if (!ascii_is_upper_alnum((unsigned char) s[i]) && s[i] != ' ')
			return false;
	for (int i = POS_SEQ; i < POS_SEQ + 5; i++)
		if (!ascii_is_digit((unsigned char) s[i]))
			return false;
	return strchr("3478", s[POS_RECID]) != NULL && s[POS_RECID] != '\0';
}

static bool
read_line(HcpcsReader *r, const char **line, size_t *len, long *line_no)
{
	const char *start;
	const char *nl;
	size_t		n;

	if (r->have_next)
	{
		*line = r->next_line;
		*len = r->next_len;
		*line_no = r->next_line_no;
		r->have_next = false;
		return true;
	}
	if (r->pos >= r->len)
		return false;
	start = r->data + r->pos;
	nl = memchr(start, '\n', r->len - r->pos);
	n = nl ? (size_t) (nl - start) : r->len - r->pos;
	r->pos += n + (nl ? 1 : 0);
	if (n > 0 && start[n - 1] == '\r')
		n--;
	*line = start;
	*len = n;
	*line_no = ++r->line_no;
	codeset_poll((size_t) r->line_no);
	return true;
}

static void
unread_line(HcpcsReader *r, const char *line, size_t len, long line_no)
{
	r->next_line = line;
	r->next_len = len;
	r->next_line_no = line_no;
	r->have_next = true;
}

static HcpcsStatus
fail(HcpcsReader *r, long line_no, const char *fmt, const char *arg)
{
	snprintf(r->error, sizeof(r->error), fmt, arg);
	r->error_line = line_no;
	return HCPCS_ERROR;
}

bool
hcpcs_date_ok(int32_t ymd)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			y = ymd / 10000,
				m = (ymd / 100) % 100,
				d = ymd % 100;
	int			last;

	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
		return false;
	last = days[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		last = 29;
	return d <= last;
}

static HcpcsSlice
slice(const char *line, int off, int len)
{
	HcpcsSlice	s;

	while (len > 0 && line[off] == ' ')
		off++, len--;
	while (len > 0 && line[off + len - 1] == ' ')
		len--;
	s.off = (uint16_t) off;
	s.len = (uint16_t) len;
	return s;
}

/* An 8-column date: blank gives 0; else YYYYMMDD or false. */
static bool
date_field(const char *line, int off, int32_t *out)
{
	int32_t		v = 0;
	bool		blank = true;

	for (int i = off; i < off + 8; i++)
		if (line[i] != ' ')
			blank = false;
	if (blank)
	{
		*out = 0;
		return true;
	}
	for (int i = off; i < off + 8; i++)
	{
		if (!ascii_is_digit((unsigned char) line[i]))
			return false;
		v = v * 10 + (line[i] - '0');
	}
	*out = v;
	return hcpcs_date_ok(v);
}

/* Room for need bytes (NUL included) in the description buffer. */
static bool
desc_reserve(HcpcsReader *r, size_t need)
{
	size_t		cap;
	char	   *p;

	if (need <= r->desc_cap)
		return true;
	cap = r->desc_cap > 0 ? r->desc_cap : 1024;
	while (cap < need)
	{
		if (cap > SIZE_MAX / 2)
		{
			cap = need;
			break;
		}
		cap *= 2;
	}
	p = r->realloc_fn(r->desc, cap);
	if (p == NULL)
		return false;
	r->desc = p;
	r->desc_cap = cap;
	return true;
}

/*
 * Appends the line's long description (columns 12-91, trimmed of blanks) to
 * the entry's, after one space when both are non-empty.  A line whose
 * columns 12-91 are blank adds nothing.  False when out of memory.
 */
static bool
append_desc(HcpcsReader *r, HcpcsEntry *e, const char *line)
{
	HcpcsSlice	s = slice(line, POS_LONG_DESC, LEN_LONG_DESC);

	if (s.len == 0)
		return true;
	/* a line adds at most 81 bytes, and the text came from the input */
	if (!desc_reserve(r, e->long_desc_len + 1 + s.len + 1))
		return false;
	if (e->long_desc_len > 0)
		r->desc[e->long_desc_len++] = ' ';
	memcpy(r->desc + e->long_desc_len, line + s.off, s.len);
	e->long_desc_len += s.len;
	r->desc[e->long_desc_len] = '\0';
	e->long_desc = r->desc;
	return true;
}

/* Checks common to first and continuation records; pads into buf. */
static HcpcsStatus
check_record(HcpcsReader *r, const char *s, size_t len, long line_no,
			 char buf[HCPCS_RECORD_LEN + 1])
{
	char		code[6];
	bool		modifier = (s[POS_RECID] == '7' || s[POS_RECID] == '8');

	memcpy(code, s, 5);
	code[5] = '\0';
	if (len > HCPCS_RECORD_LEN)
		return fail(r, line_no, "record for \"%s\" is longer than 320 characters", code);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f)
			return fail(r, line_no, "record for \"%s\" holds a control character", code);
	if (modifier)
	{
		if (s[0] != ' ' || s[1] != ' ' || s[2] != ' ' ||
			!ascii_is_upper_alnum((unsigned char) s[3]) || !ascii_is_upper_alnum((unsigned char) s[4]))
			return fail(r, line_no,
						"modifier record has \"%s\" in columns 1-5; a modifier stands right-justified in columns 4-5",
						code);
	}
	else
	{
		for (int i = 0; i < 5; i++)
			if (!ascii_is_upper_alnum((unsigned char) s[i]))
				return fail(r, line_no,
							"procedure record has \"%s\" in columns 1-5; a code fills all five",
							code);
	}
	memset(buf, ' ', HCPCS_RECORD_LEN);
	memcpy(buf, s, len);
	buf[HCPCS_RECORD_LEN] = '\0';
	return HCPCS_ENTRY;
}

static HcpcsStatus
parse_first_record(HcpcsReader *r, const char *s, size_t len, long line_no, HcpcsEntry *e)
{
	const char *L;

	if (check_record(r, s, len, line_no, e->line) != HCPCS_ENTRY)
		return HCPCS_ERROR;
	L = e->line;
	e->line_no = line_no;
	e->is_modifier = (L[POS_RECID] == '7');
	if (e->is_modifier)
	{
		memcpy(e->code, L + 3, 2);
		e->code[2] = '\0';
	}
	else
	{
		memcpy(e->code, L, 5);
		e->code[5] = '\0';
	}
	if (len < HCPCS_FIRST_RECORD_MIN_LEN)
	{
		snprintf(r->error, sizeof(r->error),
				 "record for \"%s\" is cut off after %zu characters; a record has 320",
				 e->code, len);
		r->error_line = line_no;
		return HCPCS_ERROR;
	}

	if (!desc_reserve(r, 1))
		return fail(r, line_no, "out of memory joining the long description of \"%s\"", e->code);
	r->desc[0] = '\0';
	e->long_desc = r->desc;
	e->long_desc_len = 0;
	if (!append_desc(r, e, L))
		return fail(r, line_no, "out of memory joining the long description of \"%s\"", e->code);
	e->short_desc = slice(L, 91, 28);
	for (int i = 0; i < 4; i++)
		e->pricing[i] = slice(L, 119 + 2 * i, 2);
	e->multi_pricing = slice(L, 127, 1);
	for (int i = 0; i < 3; i++)
		e->cim[i] = slice(L, 128 + 6 * i, 6);
	for (int i = 0; i < 3; i++)
		e->mcm[i] = slice(L, 146 + 8 * i, 8);
	e->statute = slice(L, 170, 10);
	for (int i = 0; i < 8; i++)
		e->lab_cert[i] = slice(L, 180 + 3 * i, 3);
	for (int i = 0; i < 5; i++)
		e->xref[i] = slice(L, 204 + 5 * i, 5);
	e->coverage = slice(L, 229, 1);
	e->asc_group = slice(L, 230, 2);
	e->opps = slice(L, 240, 3);
	e->opps_pi = slice(L, 243, 1);
	e->proc_note = slice(L, 252, 4);
	e->betos = slice(L, 256, 3);
	for (int i = 0; i < 5; i++)
		e->tos[i] = slice(L, 260 + i, 1);
	e->anesthesia_bu = slice(L, 265, 3);

	/*
	 * The ASC and OPPS effective dates (columns 233-240, 245-252) are not
	 * read: codeset keeps neither, and CMS's 2018 file writes some of them
	 * as YYMMDD.  The dates that make a code's history are checked strictly.
	 */
	if (!date_field(L, 268, &e->add_date) || e->add_date == 0)
		return fail(r, line_no, "record for \"%s\" has a bad or missing code added date (columns 269-276)", e->code);
	if (!date_field(L, 276, &e->action_effective_date))
		return fail(r, line_no, "record for \"%s\" has a bad action effective date (columns 277-284)", e->code);
	if (!date_field(L, 284, &e->termination_date))
		return fail(r, line_no, "record for \"%s\" has a bad termination date (columns 285-292)", e->code);
	e->action_code = L[292];
	if (e->action_code == ' ')
		return fail(r, line_no, "record for \"%s\" has no action code (column 293)", e->code);
	if (strchr(action_codes, e->action_code) == NULL)
	{
		snprintf(r->error, sizeof(r->error),
				 "record for \"%s\" has an unknown action code \"%c\" (column 293); CMS uses A B C D F N P R S T",
				 e->code, e->action_code);
		r->error_line = line_no;
		return HCPCS_ERROR;
	}
	return HCPCS_ENTRY;
}

void
hcpcs_reader_init(HcpcsReader *r, const char *data, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->data = data;
	r->len = len;
	r->realloc_fn = realloc;
	r->free_fn = free;
}

void
hcpcs_reader_set_allocator(HcpcsReader *r, HcpcsReallocFn realloc_fn, HcpcsFreeFn free_fn)
{
	hcpcs_reader_free(r);
	r->realloc_fn = realloc_fn;
	r->free_fn = free_fn;
}

void
hcpcs_reader_free(HcpcsReader *r)
{
	if (r->desc != NULL)
		r->free_fn(r->desc);
	r->desc = NULL;
	r->desc_cap = 0;
}

HcpcsStatus
hcpcs_next(HcpcsReader *r, HcpcsEntry *e)
{
	const char *s;
	size_t		len;
	long		line_no;

	for (;;)
	{
		if (!read_line(r, &s, &len, &line_no))
		{
			if (!r->seen_record)
				return fail(r, 0, "%s",
							"no HCPCS record found: the file is empty or is not a CMS alpha-numeric HCPCS file");
			return HCPCS_END;
		}
		if (is_blank_line(s, len))
			continue;
		if (!is_record_line(s, len))
		{
			/* Free text (the disclaimer) may stand only before the first record. */
			if (!r->seen_record)
				continue;
			return fail(r, line_no, "%s",
						"line is not a HCPCS record (columns 1-11 should be a code, a 5-digit sequence number and a record id 3, 4, 7 or 8)");
		}
		break;
	}

	if (s[POS_RECID] == '4' || s[POS_RECID] == '8')
	{
		char		code[6];

		memcpy(code, s, 5);
		code[5] = '\0';
		return fail(r, line_no, "continuation record for \"%s\" does not follow its first record", code);
	}
	if (parse_first_record(r, s, len, line_no, e) != HCPCS_ENTRY)
		return HCPCS_ERROR;
	r->seen_record = true;

	/* Continuation records of the same code extend the long description. */
	{
		char		prev_seq[6];

		memcpy(prev_seq, s + POS_SEQ, 5);
		prev_seq[5] = '\0';
		while (read_line(r, &s, &len, &line_no))
		{
			char		buf[HCPCS_RECORD_LEN + 1];
			char		recid_wanted = e->is_modifier ? '8' : '4';

			if (!is_record_line(s, len) || s[POS_RECID] != recid_wanted ||
				memcmp(s, e->line, 5) != 0)
			{
				unread_line(r, s, len, line_no);
				break;
			}
			if (check_record(r, s, len, line_no, buf) != HCPCS_ENTRY)
				return HCPCS_ERROR;
			if (memcmp(buf + POS_SEQ, prev_seq, 5) <= 0)
				return fail(r, line_no, "continuation record for \"%s\" is out of sequence", e->code);
			memcpy(prev_seq, buf + POS_SEQ, 5);
			if (!append_desc(r, e, buf))
				return fail(r, line_no, "out of memory joining the long description of \"%s\"", e->code);
		}
	}
	return HCPCS_ENTRY;
}
