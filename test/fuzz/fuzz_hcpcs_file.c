/*
 * fuzz_hcpcs_file.c: libFuzzer target for the CMS HCPCS ANWEB reader
 * (src/hcpcs_file.c).
 *
 * Build: make test/fuzz/fuzz_hcpcs_file (clang -fsanitize=fuzzer,address,undefined)
 * Run:   FUZZ_MAX_LEN=4096 bash test/fuzz/run.sh test/fuzz/fuzz_hcpcs_file 60
 *        (`make fuzz` sets the length; a record is 320 columns)
 *
 * The input is a whole file: copied to an exact-size heap buffer with no
 * NUL, so ASan catches any read past len, and read with hcpcs_next() until
 * END or ERROR.  Invariants are checked with abort(), which libFuzzer
 * reports as a crash and saves the input.
 */
#include "hcpcs_file.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "fuzz_hcpcs_file: invariant failed at line %d: %s\n", __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

static bool
is_upper_alnum(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static void
check_slice(const HcpcsEntry *e, HcpcsSlice s, int field_off, int field_len)
{
	CHECK((size_t) s.off + s.len <= HCPCS_RECORD_LEN);
	/* a trimmed slice stays inside its field and has no blank at either end */
	CHECK(s.len == 0 || s.off >= field_off);
	CHECK(s.len == 0 || s.off + s.len <= field_off + field_len);
	CHECK(s.len == 0 || (e->line[s.off] != ' ' && e->line[s.off + s.len - 1] != ' '));
}

/* An independent calendar check of YYYYMMDD, years 1900-2999. */
static bool
oracle_date_ok(int32_t d)
{
	int			y = d / 10000,
				m = d / 100 % 100,
				day = d % 100;
	bool		leap = (y % 400 == 0) || (y % 4 == 0 && y % 100 != 0);
	int			last;

	if (d < 0 || y < 1900 || y > 2999)
		return false;
	switch (m)
	{
		case 2:
			last = leap ? 29 : 28;
			break;
		case 4:
		case 6:
		case 9:
		case 11:
			last = 30;
			break;
		case 1:
		case 3:
		case 5:
		case 7:
		case 8:
		case 10:
		case 12:
			last = 31;
			break;
		default:
			return false;
	}
	return day >= 1 && day <= last;
}

static void
check_date(int32_t d)
{
	CHECK(d == 0 || hcpcs_date_ok(d));
	CHECK(d == 0 || oracle_date_ok(d));
}

/* The next line of buf from *p: its start and length without LF or one CR. */
static bool
next_line(const char *buf, size_t size, size_t *p, const char **line, size_t *len)
{
	const char *start;
	const char *nl;
	size_t		n;

	if (*p >= size)
		return false;
	start = buf + *p;
	nl = memchr(start, '\n', size - *p);
	n = nl ? (size_t) (nl - start) : size - *p;
	*p += n + (nl ? 1 : 0);
	if (n > 0 && start[n - 1] == '\r')
		n--;
	*line = start;
	*len = n;
	return true;
}

/* Appends columns 12-91 of line, trimmed of blanks, to out with one space. */
static void
oracle_append(char *out, size_t *out_len, size_t cap, const char *line, size_t len)
{
	char		col[80];
	size_t		a = 0,
				b = 80;

	memset(col, ' ', sizeof(col));
	if (len > 11)
		memcpy(col, line + 11, len - 11 < 80 ? len - 11 : 80);
	while (a < b && col[a] == ' ')
		a++;
	while (b > a && col[b - 1] == ' ')
		b--;
	if (a == b)
		return;
	CHECK(*out_len + 1 + (b - a) < cap);
	if (*out_len > 0)
		out[(*out_len)++] = ' ';
	memcpy(out + *out_len, col + a, b - a);
	*out_len += b - a;
}

/*
 * Rebuilds the entry's long description from the input: its first record on
 * line e->line_no and the continuation lines (same code, RECID 4 or 8) right
 * after it, whose sequence numbers must increase.
 */
static void
check_long_desc(const HcpcsEntry *e, const char *buf, size_t size)
{
	/* joined text comes from the input: one space per line at most added */
	size_t		cap = size + 2;
	char	   *joined = malloc(cap);
	size_t		joined_len = 0;
	size_t		p = 0;
	const char *line = NULL;
	size_t		len = 0;
	char		prev_seq[5];
	char		want = e->is_modifier ? '8' : '4';

	for (long n = 1; n <= e->line_no; n++)
		CHECK(next_line(buf, size, &p, &line, &len));
	CHECK(len >= HCPCS_FIRST_RECORD_MIN_LEN && len <= HCPCS_RECORD_LEN);
	CHECK(memcmp(line, e->line, len) == 0);
	for (size_t i = len; i < HCPCS_RECORD_LEN; i++)
		CHECK(e->line[i] == ' ');
	CHECK(joined != NULL);
	oracle_append(joined, &joined_len, cap, line, len);
	memcpy(prev_seq, line + 5, 5);
	while (next_line(buf, size, &p, &line, &len))
	{
		bool		shape = len >= 11;

		for (int i = 0; shape && i < 5; i++)
			shape = (line[i] >= 'A' && line[i] <= 'Z') || is_digit((unsigned char) line[i]) ||
				line[i] == ' ';
		for (int i = 5; shape && i < 10; i++)
			shape = is_digit((unsigned char) line[i]);
		if (!shape || line[10] != want || memcmp(line, e->line, 5) != 0)
			break;
		/* a continuation the reader took: in sequence and in bounds */
		CHECK(memcmp(line + 5, prev_seq, 5) > 0);
		CHECK(len <= HCPCS_RECORD_LEN);
		memcpy(prev_seq, line + 5, 5);
		oracle_append(joined, &joined_len, cap, line, len);
	}
	CHECK(joined_len == e->long_desc_len);
	CHECK(memcmp(joined, e->long_desc, joined_len) == 0);
	free(joined);
}

static void
check_entry(const HcpcsEntry *e, const char *buf, size_t size, long n_lines)
{
	size_t		code_len = strnlen(e->code, sizeof(e->code));

	/* the code: 5 upper-case alphanumerics, or a 2-character modifier */
	CHECK(code_len < sizeof(e->code));
	if (e->is_modifier)
	{
		CHECK(code_len == 2);
		CHECK(memcmp(e->line, "   ", 3) == 0);
		CHECK(memcmp(e->line + 3, e->code, 2) == 0);
		CHECK(e->line[10] == '7');
	}
	else
	{
		CHECK(code_len == 5);
		CHECK(memcmp(e->line, e->code, 5) == 0);
		CHECK(e->line[10] == '3');
	}
	for (size_t i = 0; i < code_len; i++)
		CHECK(is_upper_alnum((unsigned char) e->code[i]));
	for (int i = 5; i < 10; i++)
		CHECK(is_digit((unsigned char) e->line[i]));

	/* the padded record */
	CHECK(e->line[HCPCS_RECORD_LEN] == '\0');
	for (int i = 0; i < HCPCS_RECORD_LEN; i++)
		CHECK((unsigned char) e->line[i] >= 0x20 && e->line[i] != 0x7f);

	/* the joined long description */
	CHECK(e->long_desc != NULL);
	CHECK(e->long_desc[e->long_desc_len] == '\0');
	CHECK(strlen(e->long_desc) == e->long_desc_len);
	if (e->long_desc_len > 0)
	{
		CHECK(e->long_desc[0] != ' ');
		CHECK(e->long_desc[e->long_desc_len - 1] != ' ');
	}
	for (size_t i = 0; i < e->long_desc_len; i++)
		CHECK((unsigned char) e->long_desc[i] >= 0x20 && e->long_desc[i] != 0x7f);

	/* every slice inside the 320 columns and inside its field */
	check_slice(e, e->short_desc, 91, 28);
	for (int i = 0; i < 4; i++)
		check_slice(e, e->pricing[i], 119 + 2 * i, 2);
	check_slice(e, e->multi_pricing, 127, 1);
	for (int i = 0; i < 3; i++)
		check_slice(e, e->cim[i], 128 + 6 * i, 6);
	for (int i = 0; i < 3; i++)
		check_slice(e, e->mcm[i], 146 + 8 * i, 8);
	check_slice(e, e->statute, 170, 10);
	for (int i = 0; i < 8; i++)
		check_slice(e, e->lab_cert[i], 180 + 3 * i, 3);
	for (int i = 0; i < 5; i++)
		check_slice(e, e->xref[i], 204 + 5 * i, 5);
	check_slice(e, e->coverage, 229, 1);
	check_slice(e, e->asc_group, 230, 2);
	check_slice(e, e->opps, 240, 3);
	check_slice(e, e->opps_pi, 243, 1);
	check_slice(e, e->proc_note, 252, 4);
	check_slice(e, e->betos, 256, 3);
	for (int i = 0; i < 5; i++)
		check_slice(e, e->tos[i], 260 + i, 1);
	check_slice(e, e->anesthesia_bu, 265, 3);

	/* dates and the action code */
	check_date(e->add_date);
	CHECK(e->add_date != 0);
	check_date(e->action_effective_date);
	check_date(e->termination_date);
	CHECK(e->action_code != '\0' && strchr("ABCDFNPRST", e->action_code) != NULL);
	CHECK(e->line[292] == e->action_code);

	/* the line number names the input line holding the record */
	CHECK(e->line_no >= 1 && e->line_no <= n_lines);
	check_long_desc(e, buf, size);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *buf = malloc(size > 0 ? size : 1);
	HcpcsReader *r = malloc(sizeof(HcpcsReader));
	HcpcsEntry *e = malloc(sizeof(HcpcsEntry));
	long		n_lines = 0;
	long		prev_line = 0;
	long		n_entries = 0;
	HcpcsStatus st = HCPCS_ERROR;
	bool		done = false;

	if (buf == NULL || r == NULL || e == NULL)
	{
		free(buf);
		free(r);
		free(e);
		return 0;
	}
	if (size > 0)
		memcpy(buf, data, size);
	/* lines as the reader counts them: a last line without LF counts too */
	for (size_t i = 0; i < size; i++)
		if (buf[i] == '\n')
			n_lines++;
	if (size > 0 && buf[size - 1] != '\n')
		n_lines++;

	hcpcs_reader_init(r, buf, size);
	/* every entry takes at least one line: more calls than lines is a loop */
	for (long guard = 0; guard <= n_lines + 1; guard++)
	{
		memset(e, 0x5a, sizeof(*e));
		st = hcpcs_next(r, e);
		if (st == HCPCS_ENTRY)
		{
			check_entry(e, buf, size, n_lines);
			CHECK(e->line_no > prev_line);
			prev_line = e->line_no;
			n_entries++;
			continue;
		}
		CHECK(st == HCPCS_END || st == HCPCS_ERROR);
		done = true;
		break;
	}
	CHECK(done);

	if (st == HCPCS_ERROR)
	{
		CHECK(memchr(r->error, '\0', sizeof(r->error)) != NULL);
		CHECK(r->error[0] != '\0');
		CHECK(r->error_line >= 0);
		CHECK(r->error_line <= n_lines);
		/* line 0 only for "no HCPCS record found" */
		CHECK(r->error_line >= 1 || n_entries == 0);
		/* the error stands after the last entry read */
		CHECK(r->error_line > prev_line || n_entries == 0);
	}
	else
	{
		/* END only after at least one record; and it stays END */
		CHECK(n_entries > 0);
		CHECK(hcpcs_next(r, e) == HCPCS_END);
	}

	hcpcs_reader_free(r);
	free(e);
	free(r);
	free(buf);
	return 0;
}
