/*
 * test_release_files.c: server-free unit test of the readers of the CMS
 * release files: the fixed-width HCPCS ANWEB reader (src/hcpcs_file.c) and
 * the RFC 4180 CSV reader (src/csv_reader.c).
 *
 * Prints TAP for prove; the plan comes last ("1..N" after the tests), so a
 * crash part-way shows up as a missing plan.  Built with ASan/UBSan by
 * `make unit`: every input handed to a reader is an exact-size heap copy
 * with no NUL terminator, so a read past len aborts.
 *
 * The real CMS files are read from ../shared/data (the binary runs from the
 * repository root); when they are absent those tests print "# skip" lines.
 */
#include "csv_reader.h"
#include "hcpcs_file.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA_DIR "../shared/data"

/* ---------------------------------------------------------------- TAP */

#include "tap.h"

static void
skip(int n, const char *why)
{
	for (int i = 0; i < n; i++)
	{
		n_tests++;
		printf("ok %d # skip %s\n", n_tests, why);
	}
	fflush(stdout);
}


/* got holds needle (case-sensitive) */
static bool
like(const char *got, const char *needle, const char *fmt,...)
{
	va_list		ap;
	bool		r;

	va_start(ap, fmt);
	r = vok(got != NULL && strstr(got, needle) != NULL, fmt, ap);
	va_end(ap);
	if (!r)
		diag("\"%s\" does not contain \"%s\"", got ? got : "NULL", needle);
	return r;
}

/* ---------------------------------------------------------------- helpers */

/* An exact-size heap copy: no NUL, nothing readable past len. */
static char *
exact_copy(const char *s, size_t len)
{
	char	   *buf = malloc(len > 0 ? len : 1);

	if (buf == NULL)
	{
		perror("malloc");
		exit(2);
	}
	if (len > 0)
		memcpy(buf, s, len);
	return buf;
}

/* A growing text buffer for synthetic files. */
typedef struct Text
{
	char	   *s;
	size_t		len;
	size_t		cap;
} Text;

static void
text_add(Text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap)
	{
		size_t		cap = t->cap ? t->cap : 1024;

		while (t->len + n + 1 > cap)
			cap *= 2;
		t->s = realloc(t->s, cap);
		if (t->s == NULL)
		{
			perror("realloc");
			exit(2);
		}
		t->cap = cap;
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void
text_str(Text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

/* Adds the first n characters of line plus a line end. */
static void
text_line(Text *t, const char *line, size_t n, const char *eol)
{
	text_add(t, line, n);
	text_str(t, eol);
}

static void
text_free(Text *t)
{
	free(t->s);
	memset(t, 0, sizeof(*t));
}

/* Writes s at 1-based column pos of a 320-column record. */
static void
put(char *line, int pos, const char *s)
{
	memcpy(line + pos - 1, s, strlen(s));
}

/*
 * A 320-column first record (RECID 3 for a 5-character code, 7 for a
 * modifier given as "LT", written right-justified), space-padded.
 */
static void
first_rec(char line[HCPCS_RECORD_LEN + 1], const char *code, const char *seq,
		  const char *long_desc, const char *short_desc,
		  const char *add, const char *eff, const char *term, char action)
{
	memset(line, ' ', HCPCS_RECORD_LEN);
	line[HCPCS_RECORD_LEN] = '\0';
	if (strlen(code) == 2)
	{
		put(line, 4, code);
		put(line, 11, "7");
	}
	else
	{
		put(line, 1, code);
		put(line, 11, "3");
	}
	put(line, 6, seq);
	put(line, 12, long_desc);
	put(line, 92, short_desc);
	put(line, 120, "32");		/* pricing indicator */
	put(line, 230, "D");		/* coverage */
	put(line, 257, "D1E");		/* BETOS */
	put(line, 261, "P");		/* type of service */
	put(line, 269, add);
	put(line, 277, eff);
	put(line, 285, term);
	line[292] = action;
}

/* A continuation record (RECID 4 or 8), 320 columns. */
static void
cont_rec(char line[HCPCS_RECORD_LEN + 1], const char *code, const char *seq,
		 const char *long_desc)
{
	memset(line, ' ', HCPCS_RECORD_LEN);
	line[HCPCS_RECORD_LEN] = '\0';
	if (strlen(code) == 2)
	{
		put(line, 4, code);
		put(line, 11, "8");
	}
	else
	{
		put(line, 1, code);
		put(line, 11, "4");
	}
	put(line, 6, seq);
	put(line, 12, long_desc);
}

/* A plain procedure record: code, description, dates fixed. */
static void
simple_rec(char line[HCPCS_RECORD_LEN + 1], const char *code, const char *desc)
{
	first_rec(line, code, "00100", desc, desc, "19860101", "19960101", "", 'N');
}

#define MAX_RUN_ENTRIES 16

/* What a whole run of the HCPCS reader gave. */
typedef struct HcpcsRun
{
	int			n_entries;
	HcpcsStatus last;			/* HCPCS_END or HCPCS_ERROR */
	char		error[256];
	long		error_line;
	HcpcsEntry	e[MAX_RUN_ENTRIES];	/* the first entries */
	char	   *desc[MAX_RUN_ENTRIES];	/* their long descriptions, copied */
} HcpcsRun;

static HcpcsRun run_buf;

/*
 * Copies an entry, with its long description (which lives in the reader's
 * buffer only until the next hcpcs_next()) into *desc, a heap string.
 */
static void
keep_entry(HcpcsEntry *to, char **desc, const HcpcsEntry *from)
{
	*to = *from;
	*desc = malloc(from->long_desc_len + 1);
	if (*desc == NULL)
	{
		perror("malloc");
		exit(2);
	}
	memcpy(*desc, from->long_desc, from->long_desc_len + 1);
	to->long_desc = *desc;
}

/* Reads all of text (an exact-size copy) to END or ERROR. */
static HcpcsRun *
run_hcpcs(const char *text, size_t len)
{
	char	   *buf = exact_copy(text, len);
	HcpcsReader *r = malloc(sizeof(HcpcsReader));
	HcpcsEntry *e = malloc(sizeof(HcpcsEntry));
	HcpcsRun   *run = &run_buf;

	for (int i = 0; i < MAX_RUN_ENTRIES; i++)
		free(run->desc[i]);
	memset(run, 0, sizeof(*run));
	hcpcs_reader_init(r, buf, len);
	for (int guard = 0; guard < 100000; guard++)
	{
		HcpcsStatus st = hcpcs_next(r, e);

		if (st == HCPCS_ENTRY)
		{
			if (run->n_entries < MAX_RUN_ENTRIES)
				keep_entry(&run->e[run->n_entries], &run->desc[run->n_entries], e);
			run->n_entries++;
			continue;
		}
		run->last = st;
		if (st == HCPCS_ERROR)
		{
			memcpy(run->error, r->error, sizeof(run->error));
			run->error_line = r->error_line;
		}
		break;
	}
	hcpcs_reader_free(r);
	free(e);
	free(r);
	free(buf);
	return run;
}

static HcpcsRun *
run_text(const Text *t)
{
	return run_hcpcs(t->s ? t->s : "", t->len);
}

static const char *
status_name(HcpcsStatus st)
{
	return st == HCPCS_ENTRY ? "ENTRY" : st == HCPCS_END ? "END" : "ERROR";
}

/* The slice's text as a string (static buffer). */
static const char *
slice_str(const HcpcsEntry *e, HcpcsSlice s)
{
	static char buf[HCPCS_RECORD_LEN + 1];

	memcpy(buf, hcpcs_slice_ptr(e, s), s.len);
	buf[s.len] = '\0';
	return buf;
}

/* Whole file into a heap buffer; NULL when it cannot be read. */
static char *
read_file(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf;
	long		n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
	{
		fclose(f);
		return NULL;
	}
	buf = malloc(n > 0 ? (size_t) n : 1);
	if (buf == NULL || fread(buf, 1, (size_t) n, f) != (size_t) n)
	{
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t) n;
	return buf;
}

static int
cmp_code(const void *a, const void *b)
{
	return strcmp((const char *) a, (const char *) b);
}

/* ---------------------------------------------------------------- real files */

typedef struct YearFile
{
	int			year;
	const char *file;
	int			procedures;
	int			modifiers;
	int			terminated;
	long		first_line;		/* line of the first record (after the disclaimer) */
} YearFile;

static const YearFile years[] = {
	{2017, "HCPC2017_CONTR_ANWEB.txt", 6155, 343, 530, 1},
	{2018, "HCPC2018_CONTR_ANWEB_disc.txt", 6205, 354, 466, 12},
	{2019, "HCPC2019_CONTR_ANWEB.txt", 6440, 360, 515, 9},
	{2020, "HCPC2020_ANWEB_w_disclaimer.txt", 6710, 369, 615, 10},
};

#define TESTS_PER_YEAR 15

static void
test_real_year(const YearFile *y)
{
	char		path[512];
	size_t		len = 0;
	char	   *data;
	HcpcsReader *r;
	HcpcsEntry *e;
	HcpcsStatus st = HCPCS_ERROR;
	int			n_proc = 0,
				n_mod = 0,
				n_term = 0,
				n_bad_shape = 0;
	long		first_line = -1,
				prev_line = 0;
	bool		lines_increase = true;
	bool		have_e0110 = false,
				have_lt = false;
	HcpcsEntry *e0110 = malloc(sizeof(HcpcsEntry));
	HcpcsEntry *lt = malloc(sizeof(HcpcsEntry));
	char	   *e0110_desc = NULL,
			   *lt_desc = NULL;
	char		(*codes)[6] = malloc(20000 * sizeof(*codes));
	int			n_codes = 0,
				n_dups = 0;
	int			start = n_tests;

	snprintf(path, sizeof(path), "%s/hcpcs_level2/anweb/%s", DATA_DIR, y->file);
	data = read_file(path, &len);
	if (data == NULL)
	{
		diag("%s: cannot read, skipping", path);
		skip(TESTS_PER_YEAR, DATA_DIR " not found");
		free(e0110);
		free(lt);
		free(codes);
		return;
	}
	{
		char	   *copy = exact_copy(data, len);

		free(data);
		data = copy;
	}

	r = malloc(sizeof(HcpcsReader));
	e = malloc(sizeof(HcpcsEntry));
	hcpcs_reader_init(r, data, len);
	for (int guard = 0; guard < 100000; guard++)
	{
		st = hcpcs_next(r, e);
		if (st != HCPCS_ENTRY)
			break;
		if (first_line < 0)
			first_line = e->line_no;
		if (e->line_no <= prev_line)
			lines_increase = false;
		prev_line = e->line_no;
		if (e->is_modifier)
		{
			n_mod++;
			if (strlen(e->code) != 2)
				n_bad_shape++;
		}
		else
		{
			const char *c = e->code;

			n_proc++;
			/* ^[A-V][0-9]{4}$ and no D code (SOURCES.md, section 1) */
			if (strlen(c) != 5 || c[0] < 'A' || c[0] > 'V' || c[0] == 'D' ||
				strspn(c + 1, "0123456789") != 4)
				n_bad_shape++;
		}
		if (e->termination_date != 0)
			n_term++;
		if (n_codes < 20000)
			memcpy(codes[n_codes++], e->code, 6);
		if (strcmp(e->code, "E0110") == 0 && !have_e0110)
		{
			keep_entry(e0110, &e0110_desc, e);
			have_e0110 = true;
		}
		if (strcmp(e->code, "LT") == 0 && e->is_modifier && !have_lt)
		{
			keep_entry(lt, &lt_desc, e);
			have_lt = true;
		}
	}
	if (!is_int(st, HCPCS_END, "%d: %s reads to the end without error", y->year, y->file))
		diag("%s at line %ld: %s", status_name(st), r->error_line, r->error);
	is_int(n_proc, y->procedures, "%d: procedure codes (RECID 3)", y->year);
	is_int(n_mod, y->modifiers, "%d: modifiers (RECID 7)", y->year);
	is_int(n_proc + n_mod, y->procedures + y->modifiers, "%d: entries in all", y->year);
	is_int(n_term, y->terminated, "%d: codes with a termination date", y->year);
	is_int(n_bad_shape, 0, "%d: every procedure code is [A-V][0-9]{4} without D, every modifier 2 characters", y->year);
	is_int(first_line, y->first_line, "%d: first record on line %ld (disclaimer skipped)", y->year, y->first_line);
	ok(lines_increase, "%d: entry line numbers increase", y->year);
	qsort(codes, (size_t) n_codes, sizeof(*codes), cmp_code);
	for (int i = 1; i < n_codes; i++)
		if (strcmp(codes[i - 1], codes[i]) == 0)
			n_dups++;
	is_int(n_dups, 0, "%d: no code has two first records", y->year);

	if (ok(have_e0110, "%d: E0110 present", y->year))
	{
		is_str(e0110->long_desc,
			   "Crutches, forearm, includes crutches of various materials, adjustable or fixed, pair, complete with tips and handgrips",
			   "%d: E0110 long description joined over its continuation line", y->year);
		is_int((long long) e0110->long_desc_len, (long long) strlen(e0110->long_desc),
			   "%d: E0110 long_desc_len", y->year);
		is_str(slice_str(e0110, e0110->short_desc), "Crutch forearm pair",
			   "%d: E0110 short description", y->year);
		ok(e0110->add_date == 19860101 && e0110->action_code == 'N',
		   "%d: E0110 added 19860101, action N", y->year);
		if (e0110->add_date != 19860101 || e0110->action_code != 'N')
			diag("add date %d action '%c'", (int) e0110->add_date, e0110->action_code);
	}
	else
		skip(4, "no E0110");
	if (ok(have_lt, "%d: modifier LT present", y->year) &&
		strcmp(lt->long_desc, "Left side (used to identify procedures performed on the left side of the body)") != 0)
		diag("LT long description: %s", lt->long_desc);
	if (n_tests - start != TESTS_PER_YEAR)
		diag("test count per year is %d, TESTS_PER_YEAR says %d", n_tests - start, TESTS_PER_YEAR);

	hcpcs_reader_free(r);
	free(codes);
	free(lt_desc);
	free(e0110_desc);
	free(lt);
	free(e0110);
	free(e);
	free(r);
	free(data);
}

static void
test_real_files(void)
{
	for (size_t i = 0; i < sizeof(years) / sizeof(years[0]); i++)
		test_real_year(&years[i]);
}

/* ---------------------------------------------------------------- rendered files */

/*
 * The quarterly files rendered from CMS's xlsx (tools/render-hcpcs-xlsx.py),
 * shipped in data/hcpcs_anweb (data/SOURCES.md); the binary runs from the
 * repository root.  Counts are those of shared/data/SOURCES.md section 3a.
 */
typedef struct RenderedFile
{
	const char *file;
	int			procedures;
	int			modifiers;
	int			terminated;
} RenderedFile;

static const RenderedFile rendered[] = {
	{"HCPC2020_APR_ANWEB.txt", 6728, 369, 616},
	{"HCPC2020_JUL_ANWEB.txt", 6789, 369, 625},
	{"HCPC2020_OCT_ANWEB.txt", 6825, 371, 629},
	{"HCPC2025_OCT_ANWEB_v4.txt", 8463, 383, 1225},
};

#define G0503_END "other treatment goals and are prepared for discharge from active treatment"

static void
test_rendered_file(const RenderedFile *f)
{
	char		path[512];
	size_t		len = 0;
	char	   *data;
	HcpcsReader *r;
	HcpcsEntry *e;
	HcpcsStatus st = HCPCS_ERROR;
	int			n_proc = 0,
				n_mod = 0,
				n_term = 0;
	long		first_line = -1;
	size_t		g0503_len = 0,
				longest = 0;
	size_t		g055x[3] = {0, 0, 0};
	bool		g0503_end = false,
				have_j5 = false;

	snprintf(path, sizeof(path), "data/hcpcs_anweb/%s", f->file);
	data = read_file(path, &len);
	if (!ok(data != NULL, "%s: in data/hcpcs_anweb", f->file))
	{
		skip(7, "file missing");
		return;
	}
	{
		char	   *copy = exact_copy(data, len);

		free(data);
		data = copy;
	}
	r = malloc(sizeof(HcpcsReader));
	e = malloc(sizeof(HcpcsEntry));
	hcpcs_reader_init(r, data, len);
	for (int guard = 0; guard < 100000; guard++)
	{
		st = hcpcs_next(r, e);
		if (st != HCPCS_ENTRY)
			break;
		if (first_line < 0)
			first_line = e->line_no;
		if (e->is_modifier)
			n_mod++;
		else
			n_proc++;
		if (e->termination_date != 0)
			n_term++;
		if (e->long_desc_len > longest)
			longest = e->long_desc_len;
		if (strcmp(e->code, "G0503") == 0)
		{
			g0503_len = e->long_desc_len;
			g0503_end = e->long_desc_len > strlen(G0503_END) &&
				strcmp(e->long_desc + e->long_desc_len - strlen(G0503_END), G0503_END) == 0;
		}
		if (strncmp(e->code, "G055", 4) == 0 && e->code[4] >= '6' && e->code[4] <= '8')
			g055x[e->code[4] - '6'] = e->long_desc_len;
		if (e->is_modifier && strcmp(e->code, "J5") == 0)
			have_j5 = true;
	}
	if (!is_int(st, HCPCS_END, "%s reads to the end without error", f->file))
		diag("%s at line %ld: %s", status_name(st), r->error_line, r->error);
	is_int(n_proc + n_mod, f->procedures + f->modifiers, "%s: %d rows (codes + modifiers)",
		   f->file, f->procedures + f->modifiers);
	ok(n_proc == f->procedures && n_mod == f->modifiers, "%s: %d procedures, %d modifiers",
	   f->file, f->procedures, f->modifiers);
	if (n_proc != f->procedures || n_mod != f->modifiers)
		diag("got %d procedures, %d modifiers", n_proc, n_mod);
	is_int(n_term, f->terminated, "%s: codes with a termination date", f->file);
	is_int(first_line, 1, "%s: starts with a record", f->file);
	ok(g0503_len == 1253 && g0503_end,
	   "%s: G0503's long description is whole (1,253 characters; two xlsx rows in 2020)", f->file);
	if (g0503_len != 1253 || !g0503_end)
		diag("G0503: %zu characters, end %s", g0503_len, g0503_end ? "right" : "wrong");
	if (strstr(f->file, "2025") != NULL)
	{
		ok(g055x[0] == 4501 && g055x[1] == 4452 && g055x[2] == 4495 && longest == 4501,
		   "%s: G0556-G0558 long descriptions of 4,501, 4,452 and 4,495 characters (more than 4,400)",
		   f->file);
		if (g055x[0] != 4501 || g055x[1] != 4452 || g055x[2] != 4495)
			diag("G0556 %zu, G0557 %zu, G0558 %zu", g055x[0], g055x[1], g055x[2]);
	}
	else if (strstr(f->file, "OCT") != NULL)
		ok(have_j5, "%s: modifier J5 (left-justified in the xlsx) read as a modifier", f->file);
	else
		ok(longest == 1253, "%s: the longest description is G0503's", f->file);
	hcpcs_reader_free(r);
	free(e);
	free(r);
	free(data);
}

static void
test_rendered_files(void)
{
	for (size_t i = 0; i < sizeof(rendered) / sizeof(rendered[0]); i++)
		test_rendered_file(&rendered[i]);
}

/* ---------------------------------------------------------------- synthetic HCPCS */

static void
test_hcpcs_disclaimer(void)
{
	char		rec[HCPCS_RECORD_LEN + 1];
	Text		t = {0};
	HcpcsRun   *run;

	text_str(&t, "***Disclaimers\t\t\t\r\n");
	text_str(&t, "\t\t\t\r\n");
	text_str(&t, "-- Inclusion or exclusion \x96 of a procedure does not imply coverage.\r\n");
	text_str(&t, "A0021 is not a record line\r\n");
	text_str(&t, "\r\n");
	simple_rec(rec, "A0001", "First code");
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	simple_rec(rec, "A0002", "Second code");
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	run = run_text(&t);
	is_int(run->last, HCPCS_END, "disclaimer lines before the first record are skipped");
	if (run->last != HCPCS_END)
		diag("line %ld: %s", run->error_line, run->error);
	is_int(run->n_entries, 2, "disclaimer: two entries");
	is_str(run->e[0].code, "A0001", "disclaimer: first code");
	is_int(run->e[0].line_no, 6, "disclaimer: first record on line 6");
	is_int(run->e[1].line_no, 7, "disclaimer: second record on line 7");
	is_str(run->e[1].long_desc, "Second code", "disclaimer: second description");

	/* blank lines between records and no final line end are fine */
	text_free(&t);
	simple_rec(rec, "A0001", "First code");
	text_line(&t, rec, HCPCS_RECORD_LEN, "\n\n   \n");
	simple_rec(rec, "A0002", "Second code");
	text_line(&t, rec, HCPCS_RECORD_LEN, "");
	run = run_text(&t);
	ok(run->last == HCPCS_END && run->n_entries == 2,
	   "blank lines between records, no final line end: 2 entries, END");
	is_int(run->e[1].line_no, 4, "blank lines counted in line numbers");

	/* a non-record line after the first record */
	text_free(&t);
	text_str(&t, "Disclaimer\r\n");
	simple_rec(rec, "A0001", "First code");
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	text_str(&t, "A late disclaimer line\r\n");
	simple_rec(rec, "A0002", "Second code");
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	run = run_text(&t);
	is_int(run->last, HCPCS_ERROR, "a non-record line after the first record is an error");
	is_int(run->n_entries, 1, "non-record line: the record before it was read");
	is_int(run->error_line, 3, "non-record line: error on line 3");
	like(run->error, "not a HCPCS record", "non-record line: message");
	text_free(&t);
}

static void
test_hcpcs_record_errors(void)
{
	char		rec[HCPCS_RECORD_LEN + 1];
	Text		t = {0};
	HcpcsRun   *run;

	/* first record cut to 150 characters */
	text_str(&t, "Disclaimer\n\n");
	simple_rec(rec, "A0001", "First code");
	text_line(&t, rec, 150, "\n");
	run = run_text(&t);
	is_int(run->last, HCPCS_ERROR, "a first record cut to 150 characters is an error");
	is_int(run->error_line, 3, "cut-off record: error on line 3");
	like(run->error, "cut off", "cut-off record: message says cut off");
	like(run->error, "150", "cut-off record: message gives the length");
	like(run->error, "A0001", "cut-off record: message names the code");

	/* 293 characters (through the action code) is the shortest accepted */
	text_free(&t);
	simple_rec(rec, "A0001", "First code");
	text_line(&t, rec, HCPCS_FIRST_RECORD_MIN_LEN, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_END && run->n_entries == 1 && run->e[0].action_code == 'N',
	   "a first record of 293 characters is read");
	text_free(&t);
	simple_rec(rec, "A0001", "First code");
	text_line(&t, rec, HCPCS_FIRST_RECORD_MIN_LEN - 1, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_ERROR && strstr(run->error, "cut off") != NULL,
	   "a first record of 292 characters is cut off");

	/* a 321-character line */
	text_free(&t);
	simple_rec(rec, "A0001", "First code");
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	simple_rec(rec, "A0002", "Second code");
	text_line(&t, rec, HCPCS_RECORD_LEN, "X\r\n");
	run = run_text(&t);
	is_int(run->last, HCPCS_ERROR, "a 321-character line is an error");
	is_int(run->error_line, 2, "321 characters: error on line 2");
	like(run->error, "longer than 320", "321 characters: message");

	/* trailing spaces past 320 are still too long: the layout is fixed */
	text_free(&t);
	simple_rec(rec, "A0001", "First code");
	text_line(&t, rec, HCPCS_RECORD_LEN, " \n");
	run = run_text(&t);
	is_int(run->last, HCPCS_ERROR, "a 321-character line of trailing blanks is an error");

	/* dates */
	text_free(&t);
	first_rec(rec, "A0001", "00100", "Terminated", "Terminated", "19860101", "19960101", "20201341", 'D');
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	run = run_text(&t);
	is_int(run->last, HCPCS_ERROR, "termination date 20201341 is an error");
	like(run->error, "termination date", "termination date 20201341: message");
	is_int(run->error_line, 1, "termination date 20201341: line 1");

	text_free(&t);
	first_rec(rec, "A0001", "00100", "Terminated", "Terminated", "19860101", "20191231", "20191231", 'D');
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_END && run->n_entries == 1 && run->e[0].termination_date == 20191231 &&
	   run->e[0].action_effective_date == 20191231 && run->e[0].action_code == 'D',
	   "termination date 20191231, action D read");

	text_free(&t);
	first_rec(rec, "A0001", "00100", "Leap", "Leap", "20000229", "", "", 'A');
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_END && run->e[0].add_date == 20000229 &&
	   run->e[0].action_effective_date == 0 && run->e[0].termination_date == 0,
	   "add date 20000229 read; blank dates are 0");

	text_free(&t);
	first_rec(rec, "A0001", "00100", "Not leap", "Not leap", "19000229", "", "", 'A');
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_ERROR && strstr(run->error, "added date") != NULL,
	   "add date 19000229 is an error");

	text_free(&t);
	first_rec(rec, "A0001", "00100", "No add date", "No add date", "", "", "", 'A');
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_ERROR && strstr(run->error, "added date") != NULL,
	   "a missing add date is an error");

	text_free(&t);
	first_rec(rec, "A0001", "00100", "Bad eff", "Bad eff", "19860101", "1996 101", "", 'A');
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_ERROR && strstr(run->error, "action effective date") != NULL,
	   "an action effective date with a blank inside is an error");

	/* action codes */
	text_free(&t);
	first_rec(rec, "A0001", "00100", "Bad action", "Bad action", "19860101", "", "", 'X');
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	run = run_text(&t);
	is_int(run->last, HCPCS_ERROR, "action code X is an error");
	like(run->error, "action code", "action code X: message mentions the action code");
	like(run->error, "\"X\"", "action code X: message quotes it");

	text_free(&t);
	first_rec(rec, "A0001", "00100", "No action", "No action", "19860101", "", "", ' ');
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_ERROR && strstr(run->error, "no action code") != NULL,
	   "a blank action code is an error");

	{
		const char *codes = "ABCDFNPRST";
		int			good = 0;

		for (const char *c = codes; *c; c++)
		{
			text_free(&t);
			first_rec(rec, "A0001", "00100", "Action", "Action", "19860101", "", "", *c);
			text_line(&t, rec, HCPCS_RECORD_LEN, "\n");
			run = run_text(&t);
			if (run->last == HCPCS_END && run->n_entries == 1 && run->e[0].action_code == *c)
				good++;
		}
		is_int(good, 10, "all ten CMS action codes are read");
	}

	/* control characters */
	text_free(&t);
	simple_rec(rec, "A0001", "Tab\there");
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_ERROR && strstr(run->error, "control character") != NULL,
	   "a tab inside a record is an error");

	/* code shapes */
	text_free(&t);
	first_rec(rec, "LT", "00100", "Left side", "Left side", "19840101", "19970101", "", 'N');
	memcpy(rec, "LT   ", 5);
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_ERROR && strstr(run->error, "right-justified") != NULL,
	   "a left-justified modifier is an error");

	text_free(&t);
	simple_rec(rec, "A001 ", "Short code");
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_ERROR && strstr(run->error, "fills all five") != NULL,
	   "a 4-character procedure code is an error");
	text_free(&t);
}

static void
test_hcpcs_continuations(void)
{
	char		rec[HCPCS_RECORD_LEN + 1];
	Text		t = {0};
	HcpcsRun   *run;
	const char *crutch1 = "Crutches, forearm, includes crutches of various materials, adjustable or fixed,";
	const char *crutch2 = "pair, complete with tips and handgrips";
	const char *crutch = "Crutches, forearm, includes crutches of various materials, adjustable or fixed, pair, complete with tips and handgrips";

	/* continuation cut to 91 characters (2017, 2020) */
	first_rec(rec, "E0110", "00100", crutch1, "Crutch forearm pair", "19860101", "19960101", "", 'N');
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	cont_rec(rec, "E0110", "00200", crutch2);
	text_line(&t, rec, 91, "\r\n");
	simple_rec(rec, "E0111", "Next");
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_END && run->n_entries == 2,
	   "continuation cut to 91 characters: 2 entries, END");
	if (run->last != HCPCS_END)
		diag("line %ld: %s", run->error_line, run->error);
	is_str(run->e[0].long_desc, crutch, "91-character continuation joined with one space");
	is_int((long long) run->e[0].long_desc_len, (long long) strlen(crutch), "joined long_desc_len");
	is_str(slice_str(&run->e[0], run->e[0].short_desc), "Crutch forearm pair", "short description");
	is_str(slice_str(&run->e[0], run->e[0].pricing[0]), "32", "pricing indicator 1");
	is_str(slice_str(&run->e[0], run->e[0].betos), "D1E", "BETOS");
	is_str(slice_str(&run->e[0], run->e[0].coverage), "D", "coverage code");
	is_int(run->e[0].asc_group.len, 0, "blank ASC group is an empty slice");
	is_int(run->e[1].line_no, 3, "the next code's line number");

	/* full-width continuations, three lines */
	text_free(&t);
	first_rec(rec, "G0503", "00100", "Line one", "Short", "20180101", "", "", 'A');
	text_line(&t, rec, HCPCS_RECORD_LEN, "\n");
	cont_rec(rec, "G0503", "00200", "line two");
	text_line(&t, rec, HCPCS_RECORD_LEN, "\n");
	cont_rec(rec, "G0503", "00300", "  line three  ");
	text_line(&t, rec, HCPCS_RECORD_LEN, "\n");
	run = run_text(&t);
	ok(run->last == HCPCS_END && run->n_entries == 1, "three-line code (LF): 1 entry");
	is_str(run->e[0].long_desc, "Line one line two line three", "three lines joined, blanks trimmed");

	/* modifier with continuation */
	text_free(&t);
	first_rec(rec, "LT", "00100", "Left side (used to identify procedures performed on the left side of the body)",
			  "Left side", "19840101", "19970101", "", 'N');
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	cont_rec(rec, "LT", "00200", "continued");
	text_line(&t, rec, 91, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_END && run->n_entries == 1, "modifier with a continuation: 1 entry");
	is_str(run->e[0].code, "LT", "modifier code LT");
	ok(run->e[0].is_modifier, "LT is a modifier");
	is_str(run->e[0].long_desc,
		   "Left side (used to identify procedures performed on the left side of the body) continued",
		   "modifier description joined");

	/* continuation without its first record */
	text_free(&t);
	text_str(&t, "Disclaimer\r\n");
	cont_rec(rec, "E0110", "00200", crutch2);
	text_line(&t, rec, 91, "\r\n");
	run = run_text(&t);
	is_int(run->last, HCPCS_ERROR, "a continuation as the first record is an error");
	is_int(run->error_line, 2, "orphan continuation: line 2");
	like(run->error, "does not follow its first record", "orphan continuation: message");

	text_free(&t);
	simple_rec(rec, "E0100", "Cane");
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	cont_rec(rec, "E0110", "00200", crutch2);
	text_line(&t, rec, 91, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_ERROR && run->n_entries == 1 && run->error_line == 2 &&
	   strstr(run->error, "E0110") != NULL,
	   "a continuation of another code is an error on its line");

	text_free(&t);
	simple_rec(rec, "E0100", "Cane");
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	text_str(&t, "\r\n");
	cont_rec(rec, "E0100", "00200", "after a blank line");
	text_line(&t, rec, 91, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_ERROR && run->error_line == 3,
	   "a continuation after a blank line is an error");

	text_free(&t);
	first_rec(rec, "LT", "00100", "Left side", "Left side", "19840101", "19970101", "", 'N');
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	cont_rec(rec, "LT", "00200", "procedure continuation");
	rec[10] = '4';
	text_line(&t, rec, 91, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_ERROR && run->error_line == 2,
	   "a RECID 4 continuation after a modifier is an error");

	/* out of sequence */
	text_free(&t);
	first_rec(rec, "E0110", "00100", crutch1, "Crutch forearm pair", "19860101", "19960101", "", 'N');
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	cont_rec(rec, "E0110", "00300", "third");
	text_line(&t, rec, 91, "\r\n");
	cont_rec(rec, "E0110", "00200", "second");
	text_line(&t, rec, 91, "\r\n");
	run = run_text(&t);
	is_int(run->last, HCPCS_ERROR, "an out-of-sequence continuation is an error");
	is_int(run->error_line, 3, "out of sequence: line 3");
	like(run->error, "out of sequence", "out of sequence: message");

	text_free(&t);
	first_rec(rec, "E0110", "00100", crutch1, "Crutch forearm pair", "19860101", "19960101", "", 'N');
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	cont_rec(rec, "E0110", "00100", "same number");
	text_line(&t, rec, 91, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_ERROR && strstr(run->error, "out of sequence") != NULL,
	   "a continuation repeating the first record's sequence number is an error");

	/* 60 lines of 80 characters: past the 4096 the reader once refused */
	text_free(&t);
	first_rec(rec, "G0503", "00100", "start", "Short", "20180101", "", "", 'A');
	text_line(&t, rec, HCPCS_RECORD_LEN, "\n");
	for (int i = 2; i <= 60; i++)
	{
		char		seq[6] = "00000";
		char		desc[81];

		seq[0] = (char) ('0' + i / 100);
		seq[1] = (char) ('0' + i / 10 % 10);
		seq[2] = (char) ('0' + i % 10);
		memset(desc, 'x', 80);
		desc[80] = '\0';
		cont_rec(rec, "G0503", seq, desc);
		text_line(&t, rec, 91, "\n");
	}
	run = run_text(&t);
	ok(run->last == HCPCS_END && run->n_entries == 1 && run->e[0].long_desc_len == 5 + 59 * 81,
	   "a long description of 60 lines (4,784 characters) is read");
	if (run->last != HCPCS_END)
		diag("line %ld: %s", run->error_line, run->error);
	text_free(&t);
}

/* ---------------------------------------------------------------- long descriptions */

#define LONG_LINES 64			/* a first record and 63 continuations */
#define LONG_LEN 5000

/*
 * The text of line i (0-based) of the 5,000-character description: 77 or 78
 * characters, no blank at either end (the reader trims them), blanks inside,
 * two of them in a row now and then (the reader keeps those).
 */
static void
long_chunk(int i, char *out)
{
	static const char words[] = "Lorem ipsum dolor sit amet,  consectetur adipiscing elit (per 15 min) ";
	int			n = i < 9 ? 78 : 77;	/* 9 * 78 + 55 * 77 + 63 joining blanks = 5000 */

	for (int j = 0; j < n; j++)
		out[j] = words[(i * 7 + j) % (sizeof(words) - 1)];
	out[0] = (char) ('A' + i % 26);
	out[n - 1] = (char) ('0' + i % 10);
	out[n] = '\0';
}

static void
long_expected(char *out)
{
	size_t		n = 0;

	for (int i = 0; i < LONG_LINES; i++)
	{
		if (i > 0)
			out[n++] = ' ';
		long_chunk(i, out + n);
		n += strlen(out + n);
	}
}

/*
 * A file with code G0556 (or modifier "ZZ") holding the 5,000-character
 * description, then a short code, in one of the layouts CMS used 2017-2026.
 */
static void
long_file(Text *t, bool modifier, bool disclaimer, size_t cont_len, const char *eol)
{
	char		rec[HCPCS_RECORD_LEN + 1];
	char		chunk[81];
	const char *code = modifier ? "ZZ" : "G0556";

	if (disclaimer)
	{
		text_str(t, "***Disclaimers\t\t\t");
		text_str(t, eol);
		text_str(t, "-- Inclusion or exclusion \x96 of a procedure does not imply coverage.");
		text_str(t, eol);
		text_str(t, eol);
	}
	long_chunk(0, chunk);
	first_rec(rec, code, "00100", chunk, "Long one", "20250101", "20250101", "", 'A');
	text_line(t, rec, HCPCS_RECORD_LEN, eol);
	for (int i = 1; i < LONG_LINES; i++)
	{
		char		seq[16];

		snprintf(seq, sizeof(seq), "%03d00", (i + 1) % 1000);
		long_chunk(i, chunk);
		cont_rec(rec, code, seq, chunk);
		text_line(t, rec, cont_len, eol);
	}
	first_rec(rec, "G0559", "00100", "Next code", "Next code", "20250101", "20250101", "", 'A');
	text_line(t, rec, HCPCS_RECORD_LEN, eol);
}

/* Same entry, every field, line number aside. */
static bool
same_entry(const HcpcsEntry *a, const HcpcsEntry *b)
{
	return strcmp(a->code, b->code) == 0 && a->is_modifier == b->is_modifier &&
		memcmp(a->line, b->line, sizeof(a->line)) == 0 &&
		a->long_desc_len == b->long_desc_len &&
		memcmp(a->long_desc, b->long_desc, a->long_desc_len + 1) == 0 &&
		memcmp(&a->short_desc, &b->short_desc,
			   (const char *) &b->anesthesia_bu + sizeof(b->anesthesia_bu) - (const char *) &b->short_desc) == 0 &&
		a->add_date == b->add_date && a->action_effective_date == b->action_effective_date &&
		a->termination_date == b->termination_date && a->action_code == b->action_code;
}

static void
test_hcpcs_long_descriptions(void)
{
	Text		t = {0};
	HcpcsRun   *run;
	char	   *expected = malloc(LONG_LEN + 128);
	HcpcsEntry	ref[2];
	char	   *ref_desc[2] = {NULL, NULL};
	int			same = 0;

	long_expected(expected);
	is_int((long long) strlen(expected), LONG_LEN, "the synthetic description has 5,000 characters");

	/* 2017/2020 shape: continuations cut to 91 columns, CRLF, no disclaimer */
	long_file(&t, false, false, 91, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_END && run->n_entries == 2,
	   "a 5,000-character description over 63 continuation lines is read: 2 entries, END");
	if (run->last != HCPCS_END)
		diag("line %ld: %s", run->error_line, run->error);
	is_int((long long) run->e[0].long_desc_len, LONG_LEN, "5,000 characters: long_desc_len");
	ok(run->e[0].long_desc != NULL && strcmp(run->e[0].long_desc, expected) == 0,
	   "5,000 characters: the text is the 64 lines joined with one blank each, inner double blanks kept");
	is_str(run->e[1].long_desc, "Next code", "the next code's description is its own (buffer reused)");
	is_int(run->e[1].line_no, 65, "the next code is on line 65");
	ref[0] = run->e[0];
	ref[1] = run->e[1];
	ref_desc[0] = run->desc[0];
	ref_desc[1] = run->desc[1];
	run->desc[0] = run->desc[1] = NULL;

	/* continuations padded to 320 columns (2018, 2019, 2026) */
	text_free(&t);
	long_file(&t, false, false, HCPCS_RECORD_LEN, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_END && run->n_entries == 2 &&
	   same_entry(&run->e[0], &ref[0]) && same_entry(&run->e[1], &ref[1]) &&
	   run->e[1].line_no == ref[1].line_no,
	   "continuations padded to 320 and cut to 91 columns give identical entries");

	/* every layout: disclaimer or not, 91 or 320 columns, CRLF or LF */
	for (int d = 0; d < 2; d++)
		for (int c = 0; c < 2; c++)
			for (int l = 0; l < 2; l++)
			{
				text_free(&t);
				long_file(&t, false, d == 1, c ? HCPCS_RECORD_LEN : 91, l ? "\n" : "\r\n");
				run = run_text(&t);
				if (run->last == HCPCS_END && run->n_entries == 2 &&
					same_entry(&run->e[0], &ref[0]) && same_entry(&run->e[1], &ref[1]) &&
					run->e[0].line_no == (d ? 4 : 1))
					same++;
				else
					diag("layout disclaimer=%d padded=%d lf=%d differs (%s line %ld: %s)",
						 d, c, l, status_name(run->last), run->error_line, run->error);
			}
	is_int(same, 8, "all 8 layouts (disclaimer or not, 91 or 320 columns, CRLF or LF) give the same entries");

	/* a modifier's continuations (RECID 8) too */
	text_free(&t);
	long_file(&t, true, true, 91, "\n");
	run = run_text(&t);
	ok(run->last == HCPCS_END && run->n_entries == 2 && run->e[0].is_modifier &&
	   strcmp(run->e[0].code, "ZZ") == 0 && run->e[0].long_desc_len == LONG_LEN &&
	   strcmp(run->e[0].long_desc, expected) == 0,
	   "a modifier with a 5,000-character description over 63 RECID 8 lines is read");

	/* a reader with the allocator set explicitly, freed and reused */
	{
		char	   *buf = exact_copy(t.s, t.len);
		HcpcsReader *r = malloc(sizeof(HcpcsReader));
		HcpcsEntry *e = malloc(sizeof(HcpcsEntry));
		bool		good;

		hcpcs_reader_init(r, buf, t.len);
		hcpcs_reader_set_allocator(r, realloc, free);
		good = hcpcs_next(r, e) == HCPCS_ENTRY && e->long_desc_len == LONG_LEN &&
			r->desc_cap > LONG_LEN;
		hcpcs_reader_free(r);
		good = good && r->desc == NULL && r->desc_cap == 0;
		good = good && hcpcs_next(r, e) == HCPCS_ENTRY && strcmp(e->long_desc, "Next code") == 0 &&
			hcpcs_next(r, e) == HCPCS_END;
		ok(good, "hcpcs_reader_free() between entries: the reader allocates again");
		hcpcs_reader_free(r);
		free(e);
		free(r);
		free(buf);
	}

	free(ref_desc[0]);
	free(ref_desc[1]);
	free(expected);
	text_free(&t);
}

static void
test_hcpcs_misc(void)
{
	char		rec[HCPCS_RECORD_LEN + 1];
	Text		t = {0};
	Text		lf = {0};
	HcpcsRun   *run;
	HcpcsEntry	a,
				b;
	char	   *a_desc;
	static const char csv[] =
		"hcpcs_code,status_indicator,payment_rate,short_descriptor_level2_only\n"
		"A0021,E1,,Outside state ambulance serv\n"
		"A0080,E1,,Noninterest escort in non er\n"
		"G0463,J2,136.02,Hospital outpt clinic visit\n";

	/* empty input and friends */
	run = run_hcpcs("", 0);
	is_int(run->last, HCPCS_ERROR, "empty input is an error");
	like(run->error, "no HCPCS record", "empty input: message");
	is_int(run->error_line, 0, "empty input: error line 0");

	run = run_hcpcs("\r\n\r\n  \n", 7);
	ok(run->last == HCPCS_ERROR && strstr(run->error, "no HCPCS record") != NULL,
	   "blank lines only: no HCPCS record");

	run = run_hcpcs("***Disclaimers\r\nSome text\r\n", 27);
	ok(run->last == HCPCS_ERROR && strstr(run->error, "no HCPCS record") != NULL,
	   "disclaimer only: no HCPCS record");

	run = run_hcpcs(csv, sizeof(csv) - 1);
	is_int(run->last, HCPCS_ERROR, "a CSV file's text is an error");
	like(run->error, "no HCPCS record", "CSV text: no HCPCS record");
	is_int(run->n_entries, 0, "CSV text: no entries");

	/* CRLF and LF give the same entries */
	simple_rec(rec, "A0001", "First code");
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	text_line(&lf, rec, HCPCS_RECORD_LEN, "\n");
	cont_rec(rec, "A0001", "00200", "continued");
	text_line(&t, rec, 91, "\r\n");
	text_line(&lf, rec, 91, "\n");
	first_rec(rec, "A0002", "00100", "Second", "Second short", "19860101", "19960101", "20191231", 'D');
	text_line(&t, rec, HCPCS_RECORD_LEN, "\r\n");
	text_line(&lf, rec, HCPCS_RECORD_LEN, "\n");
	run = run_text(&t);
	ok(run->last == HCPCS_END && run->n_entries == 2, "CRLF file: 2 entries, END");
	a = run->e[1];
	a_desc = run->desc[1];		/* kept past the next run */
	run->desc[1] = NULL;
	is_str(run->e[0].long_desc, "First code continued", "CRLF: continuation joined without the CR");
	run = run_text(&lf);
	ok(run->last == HCPCS_END && run->n_entries == 2, "LF file: 2 entries, END");
	b = run->e[1];
	ok(memcmp(a.line, b.line, sizeof(a.line)) == 0 && strcmp(a.long_desc, b.long_desc) == 0 &&
	   a.termination_date == b.termination_date && a.action_code == b.action_code &&
	   a.termination_date == 20191231 && a.action_code == 'D',
	   "CRLF and LF entries are the same");
	ok(strchr(a.line, '\r') == NULL, "CRLF: no CR in the record");

	/* a CRLF record cut after the action code keeps it */
	text_free(&t);
	first_rec(rec, "A0001", "00100", "First", "First", "19860101", "", "", 'S');
	text_line(&t, rec, 293, "\r\n");
	run = run_text(&t);
	ok(run->last == HCPCS_END && run->e[0].action_code == 'S',
	   "CRLF after column 293: action code read, CR not taken as data");

	/* a bare CR inside a line is a control character, not a line end */
	text_free(&t);
	simple_rec(rec, "A0001", "First code");
	rec[200] = '\r';
	text_line(&t, rec, HCPCS_RECORD_LEN, "\n");
	run = run_text(&t);
	ok(run->last == HCPCS_ERROR && strstr(run->error, "control character") != NULL,
	   "a CR inside a record is an error");

	free(a_desc);
	text_free(&t);
	text_free(&lf);
}

/* ---------------------------------------------------------------- CSV */

#define MAX_REC 8

typedef struct CsvRun
{
	int			n_records;
	int			nf[MAX_REC];
	char		f[MAX_REC][CSV_MAX_FIELDS + 2][64];
	long		record_line[MAX_REC];
	long		line_no_after[MAX_REC];
	int			last;			/* 0 or -1 */
	char		error[200];
	long		error_line;
} CsvRun;

static CsvRun csv_buf;

static CsvRun *
run_csv_delimited(const char *text, size_t len, char delimiter)
{
	char	   *buf = exact_copy(text, len);
	CsvReader  *r = malloc(sizeof(CsvReader));
	CsvField	fields[CSV_MAX_FIELDS];
	CsvRun	   *run = &csv_buf;

	memset(run, 0, sizeof(*run));
	csv_reader_init(r, buf, len);
	csv_reader_set_delimiter(r, delimiter);
	for (int guard = 0; guard < 100000; guard++)
	{
		int			n = csv_next(r, fields, CSV_MAX_FIELDS);

		if (n <= 0)
		{
			run->last = n;
			if (n < 0)
			{
				memcpy(run->error, r->error, sizeof(run->error));
				run->error_line = r->record_line;
			}
			break;
		}
		if (run->n_records < MAX_REC)
		{
			int			k = run->n_records;

			run->nf[k] = n;
			run->record_line[k] = r->record_line;
			run->line_no_after[k] = r->line_no;
			for (int i = 0; i < n; i++)
			{
				size_t		l = fields[i].len < 63 ? fields[i].len : 63;

				memcpy(run->f[k][i], fields[i].ptr, l);
				run->f[k][i][l] = '\0';
			}
		}
		run->n_records++;
	}
	free(r);
	free(buf);
	return run;
}

static CsvRun *
run_csv(const char *text, size_t len)
{
	return run_csv_delimited(text, len, ',');
}

#define RUN_CSV(lit) run_csv(lit, sizeof(lit) - 1)
#define RUN_TSV(lit) run_csv_delimited(lit, sizeof(lit) - 1, '\t')

/* Tab-separated text, as the AMA ships its descriptor files */
static void
test_tsv(void)
{
	CsvRun	   *run;
	CsvReader  *r = malloc(sizeof(CsvReader));

	run = RUN_TSV("code\tdescription\n99213\tOffice visit, established\n99214\tSplint, 12\" long \"x\"\r\n");
	ok(run->last == 0 && run->n_records == 3, "TSV: three records");
	is_int(run->nf[1], 2, "TSV: a comma inside a field is no delimiter");
	is_str(run->f[1][1], "Office visit, established", "TSV: the field keeps its comma");
	is_str(run->f[2][1], "Splint, 12\" long \"x\"", "TSV: quotes are plain characters");
	run = run_csv_delimited("a;\"b;c\"\n", 8, ';');
	ok(run->nf[0] == 2 && strcmp(run->f[0][1], "b;c") == 0, "another delimiter than tab keeps CSV quoting");
	run = RUN_CSV("99213\tOffice visit\n");
	is_int(run->nf[0], 1, "the same text read as CSV is one field");
	ok(csv_looks_tab_separated("code\tdescription\n99213,x\n", 26), "a first line with a tab and no comma looks tab-separated");
	ok(!csv_looks_tab_separated("code,description\tx\n", 19), "a comma in the first line: not tab-separated");
	ok(!csv_looks_tab_separated("code\n99213\t\n", 13), "a tab past the first line only: not");
	ok(!csv_looks_tab_separated("", 0), "empty: not");
	csv_reader_init(r, "", 0);
	ok(!csv_reader_set_delimiter(r, '"') && !csv_reader_set_delimiter(r, '\n') && !csv_reader_set_delimiter(r, '\r') &&
	   !csv_reader_set_delimiter(r, '\0') && csv_reader_set_delimiter(r, ';') && r->delimiter == ';',
	   "a quote, a line end or NUL cannot be the delimiter; ';' can");
	free(r);
}

static void
test_csv(void)
{
	CsvRun	   *run;

	run = RUN_CSV("a,b,c\nd,e,f\n");
	ok(run->last == 0 && run->n_records == 2 && run->nf[0] == 3 && run->nf[1] == 3,
	   "simple: 2 records of 3 fields");
	ok(strcmp(run->f[0][0], "a") == 0 && strcmp(run->f[0][2], "c") == 0 &&
	   strcmp(run->f[1][1], "e") == 0, "simple: field values");
	ok(run->record_line[0] == 1 && run->record_line[1] == 2, "simple: record lines 1, 2");

	run = RUN_CSV("a,b");
	ok(run->last == 0 && run->n_records == 1 && run->nf[0] == 2 && strcmp(run->f[0][1], "b") == 0,
	   "no final line end");

	run = RUN_CSV("");
	ok(run->last == 0 && run->n_records == 0, "empty input: no records");

	run = RUN_CSV("a,\"b,c\",d\n");
	ok(run->last == 0 && run->nf[0] == 3 && strcmp(run->f[0][1], "b,c") == 0,
	   "quoted comma");

	run = RUN_CSV("\"say \"\"hi\"\"\",x\n");
	ok(run->last == 0 && run->nf[0] == 2, "doubled quote: 2 fields");
	is_str(run->f[0][0], "say \"hi\"", "doubled quote: value");

	run = RUN_CSV("\"\"\n");
	ok(run->last == 0 && run->nf[0] == 1 && run->f[0][0][0] == '\0', "empty quoted field");

	run = RUN_CSV("a,\"line1\nline2\",b\nnext\n");
	ok(run->last == 0 && run->n_records == 2 && run->nf[0] == 3, "quoted newline: 2 records");
	is_str(run->f[0][1], "line1\nline2", "quoted newline: value");
	is_int(run->record_line[0], 1, "quoted newline: record_line stays the start line");
	is_int(run->line_no_after[0], 2, "quoted newline: line count advances");
	is_int(run->record_line[1], 3, "quoted newline: next record on line 3");

	run = RUN_CSV("a,b\r\nc,d\r\n");
	ok(run->last == 0 && run->n_records == 2 && strcmp(run->f[0][1], "b") == 0 &&
	   strcmp(run->f[1][1], "d") == 0, "CRLF: no CR in the fields");
	is_int(run->record_line[1], 2, "CRLF: record lines");

	run = RUN_CSV("\"a\r\nb\",c\r\n");
	ok(run->last == 0 && run->n_records == 1 && strcmp(run->f[0][0], "a\r\nb") == 0 &&
	   run->line_no_after[0] == 2, "CRLF inside quotes is data");

	run = RUN_CSV("a,\n");
	ok(run->last == 0 && run->nf[0] == 2 && run->f[0][1][0] == '\0', "trailing empty field \"a,\"");

	run = RUN_CSV("a,");
	ok(run->last == 0 && run->nf[0] == 2 && run->f[0][1][0] == '\0', "trailing empty field at the end");

	run = RUN_CSV("\n\n");
	ok(run->last == 0 && run->n_records == 2 && run->nf[0] == 1 && run->f[0][0][0] == '\0',
	   "an empty line is one empty field");

	run = RUN_CSV("\xEF\xBB\xBFhcpcs_code,x\nA0021,y\n");
	ok(run->last == 0 && run->n_records == 2, "BOM: 2 records");
	is_str(run->f[0][0], "hcpcs_code", "BOM skipped");
	is_int(run->record_line[0], 1, "BOM: first record on line 1");

	run = RUN_CSV("a,\xEF\xBB\xBF\n");
	is_str(run->f[0][1], "\xEF\xBB\xBF", "a BOM elsewhere is data");

	run = RUN_CSV("a,\"open\nb,c\n");
	is_int(run->last, -1, "unterminated quote: -1");
	like(run->error, "not closed", "unterminated quote: message");
	is_int(run->error_line, 1, "unterminated quote: record line 1");

	run = RUN_CSV("a,\"b\"c,d\n");
	is_int(run->last, -1, "text after the closing quote: -1");
	like(run->error, "follows the closing quote", "text after the closing quote: message");

	run = RUN_CSV("a,\"b\" ,d\n");
	is_int(run->last, -1, "a blank after the closing quote: -1");

	run = RUN_CSV("a,b\rc,d\n");
	is_int(run->last, -1, "bare CR: -1");
	like(run->error, "carriage return", "bare CR: message");

	run = RUN_CSV("a,b\r");
	is_int(run->last, -1, "CR at the end of the data: -1");

	run = RUN_CSV("ok\nab\"c\n");
	ok(run->last == -1 && run->n_records == 1 && run->error_line == 2,
	   "a quote inside an unquoted field: -1 on line 2");

	{
		char		line[512];
		size_t		n = 0;

		for (int i = 0; i < CSV_MAX_FIELDS; i++)
			n += (size_t) sprintf(line + n, "%s%d", i ? "," : "", i);
		line[n++] = '\n';
		run = run_csv(line, n);
		ok(run->last == 0 && run->n_records == 1 && run->nf[0] == CSV_MAX_FIELDS &&
		   strcmp(run->f[0][63], "63") == 0, "64 fields are read");
		line[n - 1] = ',';
		line[n++] = 'x';
		line[n++] = '\n';
		run = run_csv(line, n);
		is_int(run->last, -1, "65 fields: -1");
		like(run->error, "more than 64 fields", "65 fields: message");
	}

	{
		size_t		n = CSV_MAX_RECORD + 10;
		char	   *big = malloc(n);

		memset(big, 'a', n);
		big[n - 1] = '\n';
		run = run_csv(big, n);
		ok(run->last == -1 && strstr(run->error, "65536") != NULL,
		   "a record past 65536 bytes: -1");
		memset(big, 'a', n);
		big[0] = '"';
		run = run_csv(big, n);
		ok(run->last == -1, "a quoted record past 65536 bytes: -1");
		free(big);
	}
}

/* The real Addendum B CSV: every record has the header's four fields. */
static void
test_csv_real(void)
{
	size_t		len = 0;
	char	   *data = read_file(DATA_DIR "/opps_addendum_b/opps_addendum_b_2023q1.csv", &len);
	CsvReader  *r;
	CsvField	fields[CSV_MAX_FIELDS];
	int			n,
				n_rows = 0,
				n_bad = 0,
				n_level2 = 0;
	long		prev_line = 0;
	bool		lines_ok = true;

	if (data == NULL)
	{
		skip(5, DATA_DIR " not found");
		return;
	}
	{
		char	   *copy = exact_copy(data, len);

		free(data);
		data = copy;
	}
	r = malloc(sizeof(CsvReader));
	csv_reader_init(r, data, len);
	n = csv_next(r, fields, CSV_MAX_FIELDS);
	ok(n == 4 && fields[0].len == 10 && memcmp(fields[0].ptr, "hcpcs_code", 10) == 0,
	   "Addendum B 2023 Q1: header of 4 fields");
	while ((n = csv_next(r, fields, CSV_MAX_FIELDS)) > 0)
	{
		const char *c = fields[0].ptr;

		n_rows++;
		if (n != 4)
			n_bad++;
		if (r->record_line <= prev_line)
			lines_ok = false;
		prev_line = r->record_line;
		if (fields[0].len == 5 && c[0] >= 'A' && c[0] <= 'V' && c[0] != 'D')
		{
			bool		digits = true;

			for (int i = 1; i < 5; i++)
				digits = digits && c[i] >= '0' && c[i] <= '9';
			if (digits)
				n_level2++;
		}
	}
	if (!is_int(n, 0, "Addendum B 2023 Q1: read to the end"))
		diag("line %ld: %s", r->record_line, r->error);
	is_int(n_rows, 17559, "Addendum B 2023 Q1: 17,559 rows");
	is_int(n_bad, 0, "Addendum B 2023 Q1: every row has 4 fields");
	ok(lines_ok && n_level2 == 5749, "Addendum B 2023 Q1: 5,749 Level II codes, lines increase");
	if (n_level2 != 5749)
		diag("Level II: %d", n_level2);
	free(r);
	free(data);
}

int
main(void)
{
	test_real_files();
	test_rendered_files();
	test_hcpcs_disclaimer();
	test_hcpcs_record_errors();
	test_hcpcs_continuations();
	test_hcpcs_long_descriptions();
	test_hcpcs_misc();
	test_csv();
	test_tsv();
	test_csv_real();

	printf("1..%d\n", n_tests);
	if (n_failed)
		diag("%d of %d tests failed", n_failed, n_tests);
	return n_failed ? 1 : 0;
}
