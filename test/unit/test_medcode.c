/*
 * test_medcode.c: server-free unit test of the medcode parser, formatter and
 * classification (src/medcode_parse.c, src/medcode_classify.c).
 *
 * Prints TAP for prove; the plan comes last ("1..N" after the tests, which
 * TAP allows), so a crash part-way shows up as a missing plan.  Built with
 * ASan/UBSan by `make unit`: every input handed to medcode_parse() is an
 * exact-size heap copy with no NUL terminator, so a read past len aborts.
 */
#include "medcode.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- TAP */

#include "tap.h"


/* ---------------------------------------------------------------- helpers */

/* Printable, escaped form of len bytes, for test names. */
static const char *
esc(const char *s, size_t len)
{
	static char bufs[4][512];
	static int	which = 0;
	char	   *out = bufs[which++ % 4];
	size_t		o = 0;

	out[o++] = '\'';
	for (size_t i = 0; i < len && o < sizeof(bufs[0]) - 8; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '\\')
			o += (size_t) sprintf(out + o, "\\\\");
		else if (c == '\'')
			o += (size_t) sprintf(out + o, "\\'");
		else if (c == '#')
			o += (size_t) sprintf(out + o, "\\x23");
		else if (c == '\t')
			o += (size_t) sprintf(out + o, "\\t");
		else if (c == '\n')
			o += (size_t) sprintf(out + o, "\\n");
		else if (c == '\r')
			o += (size_t) sprintf(out + o, "\\r");
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t) sprintf(out + o, "\\x%02x", c);
		else
			out[o++] = (char) c;
	}
	out[o++] = '\'';
	out[o] = '\0';
	return out;
}

/* An exact-size heap copy: no NUL, nothing readable past len. */
static char *
exact_copy(const char *s, size_t len)
{
	char	   *buf = malloc(len);

	if (buf == NULL && len > 0)
	{
		perror("malloc");
		exit(2);
	}
	if (len > 0)
		memcpy(buf, s, len);
	return buf;
}

/* medcode_parse() on an exact-size copy of len bytes. */
static bool
parse_exact(const char *s, size_t len, MedcodeParse *p)
{
	char	   *buf = exact_copy(s, len);
	bool		r = medcode_parse(buf, len, p);

	free(buf);
	return r;
}

static const char *
error_name(MedcodeError e)
{
	switch (e)
	{
		case MEDCODE_OK:
			return "OK";
		case MEDCODE_ERR_EMPTY:
			return "EMPTY";
		case MEDCODE_ERR_BAD_CHAR:
			return "BAD_CHAR";
		case MEDCODE_ERR_MODIFIER:
			return "MODIFIER";
		case MEDCODE_ERR_LOST_ZEROS:
			return "LOST_ZEROS";
		case MEDCODE_ERR_TOO_SHORT:
			return "TOO_SHORT";
		case MEDCODE_ERR_TOO_LONG:
			return "TOO_LONG";
		case MEDCODE_ERR_BAD_SUFFIX:
			return "BAD_SUFFIX";
		case MEDCODE_ERR_LEVEL2_SHAPE:
			return "LEVEL2_SHAPE";
		case MEDCODE_ERR_LEVEL2_LETTER:
			return "LEVEL2_LETTER";
		case MEDCODE_ERR_SHAPE:
			return "SHAPE";
	}
	return "?";
}

/*
 * Independent oracle of the encoding, written from the table in medcode.h:
 * the value of five upper-case bytes, or -1.
 */
static int32_t
oracle_value(const char *u)
{
	static const char suffixes[] = "AFMTU";
	static const char letters[] = "ABCDEFGHJKLMNPQRSTUV";
	int			d[5];
	bool		dig[5];

	for (int i = 0; i < 5; i++)
	{
		dig[i] = u[i] >= '0' && u[i] <= '9';
		d[i] = dig[i] ? u[i] - '0' : 0;
	}
	if (dig[0] && dig[1] && dig[2] && dig[3] && dig[4])
		return d[0] * 10000 + d[1] * 1000 + d[2] * 100 + d[3] * 10 + d[4];
	if (dig[0] && dig[1] && dig[2] && dig[3])
	{
		for (int k = 0; k < 5; k++)
			if (u[4] == suffixes[k])
				return 100000 + k * 10000 + d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3];
		return -1;
	}
	if (dig[1] && dig[2] && dig[3] && dig[4])
	{
		for (int k = 0; k < 20; k++)
			if (u[0] == letters[k])
				return 150000 + k * 10000 + d[1] * 1000 + d[2] * 100 + d[3] * 10 + d[4];
		return -1;
	}
	return -1;
}

/* Expected canonical text of v, by sprintf rather than the digit loop. */
static void
oracle_text(int32_t v, char out[6])
{
	char		tmp[32];

	if (v < 100000)
		snprintf(tmp, sizeof(tmp), "%05d", (int) v);
	else if (v < 150000)
		snprintf(tmp, sizeof(tmp), "%04d%c", (int) ((v - 100000) % 10000), "AFMTU"[(v - 100000) / 10000]);
	else
		snprintf(tmp, sizeof(tmp), "%c%04d", "ABCDEFGHJKLMNPQRSTUV"[(v - 150000) / 10000], (int) ((v - 150000) % 10000));
	memcpy(out, tmp, 5);
	out[5] = '\0';
}

static void
to_upper_str(char *dst, const char *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = (src[i] >= 'a' && src[i] <= 'z') ? (char) (src[i] - 'a' + 'A') : src[i];
}

static void
to_lower_str(char *dst, const char *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char) (src[i] - 'A' + 'a') : src[i];
}

static bool
is_ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool
is_ascii_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* ---------------------------------------------------------------- valid codes */

typedef struct ValidCase
{
	const char *input;
	const char *canonical;
	int32_t		value;			/* from the encoding table in medcode.h */
} ValidCase;

static const ValidCase valid_cases[] = {
	/* one of each family */
	{"99213", "99213", 99213},
	{"00100", "00100", 100},
	{"0001U", "0001U", 140001},
	{"0001A", "0001A", 100001},
	{"0002M", "0002M", 120002},
	{"3074F", "3074F", 113074},
	{"0042T", "0042T", 130042},
	{"J1100", "J1100", 231100},
	{"E0110", "E0110", 190110},
	{"A0425", "A0425", 150425},
	{"D0120", "D0120", 180120},
	{"V2020", "V2020", 342020},
	{"G0438", "G0438", 210438},
	{"U0001", "U0001", 330001},
	/* case and white space */
	{"j1100", "J1100", 231100},
	{" j1100 \t\n", "J1100", 231100},
	{"0042t", "0042T", 130042},
	{"0001u", "0001U", 140001},
	{"\t\n\r\v\f 99213 \f\v\r\n\t", "99213", 99213},
	{"   00100", "00100", 100},
	{"3074f\n", "3074F", 113074},
	{"d0120\r\n", "D0120", 180120},
	/* encoding boundaries */
	{"00000", "00000", 0},
	{"99999", "99999", 99999},
	{"0000A", "0000A", 100000},
	{"9999A", "9999A", 109999},
	{"0000F", "0000F", 110000},
	{"9999F", "9999F", 119999},
	{"0000M", "0000M", 120000},
	{"0000T", "0000T", 130000},
	{"9999T", "9999T", 139999},
	{"0000U", "0000U", 140000},
	{"9999U", "9999U", 149999},
	{"A0000", "A0000", 150000},
	{"A9999", "A9999", 159999},
	{"H9999", "H9999", 229999},
	{"J0000", "J0000", 230000},
	{"N9999", "N9999", 279999},
	{"P0000", "P0000", 280000},
	{"V0000", "V0000", 340000},
	{"V9999", "V9999", 349999},
	{"F0000", "F0000", 200000},
	{"f1234", "F1234", 201234},
};

static void
test_valid(void)
{
	for (size_t i = 0; i < sizeof(valid_cases) / sizeof(valid_cases[0]); i++)
	{
		const ValidCase *c = &valid_cases[i];
		size_t		len = strlen(c->input);
		MedcodeParse p;
		bool		r = parse_exact(c->input, len, &p);
		char		out[MEDCODE_LEN + 1];

		if (!ok(r && p.error == MEDCODE_OK, "parse %s accepted", esc(c->input, len)))
			diag("got error %s expected OK", error_name(p.error));
		is_int(p.value, c->value, "parse %s value", esc(c->input, len));
		is_int((long long) p.trimmed_len, 5, "parse %s trimmed_len", esc(c->input, len));
		memset(out, 'x', sizeof(out));
		ok(medcode_format(p.value, out), "format value of %s", esc(c->input, len));
		is_str(out, c->canonical, "canonical output of %s", esc(c->input, len));
	}
}

/* ---------------------------------------------------------------- round trip */

static int
family_rank(const char *t, int *sub, int *num)
{
	if (t[0] >= '0' && t[0] <= '9')
	{
		if (t[4] >= '0' && t[4] <= '9')
		{
			*sub = 0;
			*num = atoi(t);
			return 0;
		}
		*sub = (int) (strchr("AFMTU", t[4]) - "AFMTU");
		*num = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
		return 1;
	}
	*sub = (int) (strchr("ABCDEFGHJKLMNPQRSTUV", t[0]) - "ABCDEFGHJKLMNPQRSTUV");
	*num = atoi(t + 1);
	return 2;
}

/* -1, 0, 1 in the documented family-major order */
static int
family_cmp(const char *a, const char *b)
{
	int			sa,
				na,
				sb,
				nb;
	int			fa = family_rank(a, &sa, &na);
	int			fb = family_rank(b, &sb, &nb);

	if (fa != fb)
		return fa < fb ? -1 : 1;
	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (na != nb)
		return na < nb ? -1 : 1;
	return 0;
}

static void
test_round_trip(void)
{
	long		bad_format = 0,
				bad_text = 0,
				bad_shape = 0,
				bad_parse = 0,
				bad_lower = 0,
				bad_chars = 0,
				bad_order = 0;
	char		prev[MEDCODE_LEN + 1] = "";
	char		out[MEDCODE_LEN + 1];
	char		want[MEDCODE_LEN + 1];
	int32_t		first_bad[7] = {-1, -1, -1, -1, -1, -1, -1};
	char		canary[MEDCODE_LEN + 1];

	for (int32_t v = 0; v < MEDCODE_COUNT; v++)
	{
		MedcodeParse p;
		char		lower[MEDCODE_LEN];

		memset(out, 'x', sizeof(out));
		if (!medcode_format(v, out) || out[MEDCODE_LEN] != '\0' || strlen(out) != MEDCODE_LEN)
		{
			if (bad_format++ == 0)
				first_bad[0] = v;
			continue;
		}
		oracle_text(v, want);
		if (strcmp(out, want) != 0 && bad_text++ == 0)
			first_bad[1] = v;
		if (oracle_value(out) != v && bad_shape++ == 0)
			first_bad[2] = v;
		if ((!parse_exact(out, MEDCODE_LEN, &p) || p.error != MEDCODE_OK || p.value != v) &&
			bad_parse++ == 0)
			first_bad[3] = v;
		to_lower_str(lower, out, MEDCODE_LEN);
		if ((!parse_exact(lower, MEDCODE_LEN, &p) || p.value != v) && bad_lower++ == 0)
			first_bad[4] = v;
		{
			char	   *buf = exact_copy(out, MEDCODE_LEN);

			if (medcode_from_chars(buf) != v && bad_chars++ == 0)
				first_bad[5] = v;
			free(buf);
		}
		if (v > 0 && family_cmp(prev, out) >= 0 && bad_order++ == 0)
			first_bad[6] = v;
		memcpy(prev, out, sizeof(prev));
	}

	if (!is_int(bad_format, 0, "medcode_format succeeds with 5 chars + NUL for all %d values", MEDCODE_COUNT))
		diag("first failure at v=%d", (int) first_bad[0]);
	if (!is_int(bad_text, 0, "medcode_format text matches the documented layout for all values"))
	{
		medcode_format(first_bad[1], out);
		oracle_text(first_bad[1], want);
		diag("v=%d: got \"%s\" expected \"%s\"", (int) first_bad[1], out, want);
	}
	if (!is_int(bad_shape, 0, "every formatted text has a code's shape and encodes back to v"))
		diag("first failure at v=%d", (int) first_bad[2]);
	if (!is_int(bad_parse, 0, "medcode_parse(medcode_format(v)) == v for all values"))
		diag("first failure at v=%d", (int) first_bad[3]);
	if (!is_int(bad_lower, 0, "lower-case formatted text parses back to v for all values"))
		diag("first failure at v=%d", (int) first_bad[4]);
	if (!is_int(bad_chars, 0, "medcode_from_chars(medcode_format(v)) == v for all values"))
		diag("first failure at v=%d", (int) first_bad[5]);
	if (!is_int(bad_order, 0, "formatted text strictly increases in family-major order with v"))
		diag("first failure at v=%d", (int) first_bad[6]);

	memcpy(canary, "canry", sizeof(canary));
	ok(!medcode_format(-1, canary), "medcode_format rejects -1");
	ok(!medcode_format(MEDCODE_COUNT, canary), "medcode_format rejects %d", MEDCODE_COUNT);
	ok(!medcode_format(INT32_MIN, canary), "medcode_format rejects INT32_MIN");
	ok(!medcode_format(INT32_MAX, canary), "medcode_format rejects INT32_MAX");
	ok(!medcode_value_ok(-1) && !medcode_value_ok(MEDCODE_COUNT) &&
	   medcode_value_ok(0) && medcode_value_ok(MEDCODE_COUNT - 1),
	   "medcode_value_ok bounds");
	is_int(MEDCODE_COUNT, 100000 + 5 * 10000 + 20 * 10000,
		   "MEDCODE_COUNT is the number of well-formed codes");
}

/*
 * Every single-byte substitution of a few valid codes: parse and
 * medcode_from_chars agree with the oracle, and a byte that is neither
 * letter, digit nor edge white space is BAD_CHAR at its offset.
 */
static void
test_mutations(void)
{
	static const char *bases[] = {"99213", "0001U", "J1100", "0042T", "D0120", "3074F"};
	long		bad = 0;
	long		checked = 0;
	char		first[200] = "";

	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
		for (int pos = 0; pos < MEDCODE_LEN; pos++)
			for (int byte = 0; byte < 256; byte++)
			{
				char		s[MEDCODE_LEN];
				char		up[MEDCODE_LEN];
				MedcodeParse p;
				bool		r;
				int32_t		want;
				int32_t		fc;
				char	   *buf;
				unsigned char c = (unsigned char) byte;
				bool		good;

				memcpy(s, bases[b], MEDCODE_LEN);
				s[pos] = (char) c;
				to_upper_str(up, s, MEDCODE_LEN);
				want = oracle_value(up);
				r = parse_exact(s, MEDCODE_LEN, &p);
				buf = exact_copy(s, MEDCODE_LEN);
				fc = medcode_from_chars(buf);
				free(buf);
				checked++;

				good = (r == (want >= 0)) && (r == (p.error == MEDCODE_OK)) &&
					(!r || p.value == want) && fc == want;
				if (good && !is_ascii_alnum(c) &&
					!(is_ascii_space(c) && (pos == 0 || pos == MEDCODE_LEN - 1)))
					good = p.error == MEDCODE_ERR_BAD_CHAR && p.offset == (size_t) pos;
				if (!good && bad++ == 0)
					snprintf(first, sizeof(first),
							 "%s: parse=%d error=%s value=%d offset=%zu from_chars=%d expected value %d",
							 esc(s, MEDCODE_LEN), (int) r, error_name(p.error), (int) p.value,
							 p.offset, (int) fc, (int) want);
			}
	if (!is_int(bad, 0, "%ld single-byte substitutions of valid codes agree with the oracle", checked))
		diag("first: %s", first);
}

/* ---------------------------------------------------------------- malformed */

#define ANY_OFFSET ((long) -1)

typedef struct BadCase
{
	const char *input;
	size_t		len;			/* 0: strlen(input), unless input is "" */
	MedcodeError error;
	long		offset;			/* ANY_OFFSET: not checked */
} BadCase;

/* LEN(s) for literals with embedded NULs */
#define LEN(s) (sizeof(s) - 1)

static const BadCase bad_cases[] = {
	/* empty and white space only */
	{"", 0, MEDCODE_ERR_EMPTY, ANY_OFFSET},
	{" ", 0, MEDCODE_ERR_EMPTY, ANY_OFFSET},
	{"     ", 0, MEDCODE_ERR_EMPTY, ANY_OFFSET},
	{"\t\n\r\v\f", 0, MEDCODE_ERR_EMPTY, ANY_OFFSET},
	{"\n", 0, MEDCODE_ERR_EMPTY, ANY_OFFSET},
	{"  \t  \n  \r\n", 0, MEDCODE_ERR_EMPTY, ANY_OFFSET},
	/* lost leading zeros */
	{"100", 0, MEDCODE_ERR_LOST_ZEROS, 0},
	{"9921", 0, MEDCODE_ERR_LOST_ZEROS, 0},
	{"1", 0, MEDCODE_ERR_LOST_ZEROS, 0},
	{"0", 0, MEDCODE_ERR_LOST_ZEROS, 0},
	{"0001", 0, MEDCODE_ERR_LOST_ZEROS, 0},
	{" 100 ", 0, MEDCODE_ERR_LOST_ZEROS, 1},
	{"\t410\n", 0, MEDCODE_ERR_LOST_ZEROS, 1},
	/* too short */
	{"42T", 0, MEDCODE_ERR_TOO_SHORT, ANY_OFFSET},
	{"1A", 0, MEDCODE_ERR_TOO_SHORT, ANY_OFFSET},
	{"042t", 0, MEDCODE_ERR_TOO_SHORT, ANY_OFFSET},
	{"9A9", 0, MEDCODE_ERR_TOO_SHORT, ANY_OFFSET},
	/* too long */
	{"992133", 0, MEDCODE_ERR_TOO_LONG, ANY_OFFSET},
	{"000000", 0, MEDCODE_ERR_TOO_LONG, ANY_OFFSET},
	{"9921325X", 0, MEDCODE_ERR_TOO_LONG, ANY_OFFSET},	/* an odd tail is no glued modifier */
	{"99213ABCDEFGHI", 0, MEDCODE_ERR_TOO_LONG, ANY_OFFSET},	/* nor five pairs */
	{"B00000", 0, MEDCODE_ERR_TOO_LONG, ANY_OFFSET},
	{"J11000", 0, MEDCODE_ERR_TOO_LONG, ANY_OFFSET},
	{"0042TT", 0, MEDCODE_ERR_TOO_LONG, ANY_OFFSET},
	{"ABCDEFGHIJ", 0, MEDCODE_ERR_TOO_LONG, ANY_OFFSET},
	{"123456789012345678901234567890", 0, MEDCODE_ERR_TOO_LONG, ANY_OFFSET},
	/* bad suffix */
	{"3074X", 0, MEDCODE_ERR_BAD_SUFFIX, ANY_OFFSET},
	{"0001B", 0, MEDCODE_ERR_BAD_SUFFIX, ANY_OFFSET},
	{"9999Z", 0, MEDCODE_ERR_BAD_SUFFIX, ANY_OFFSET},
	{"1234b", 0, MEDCODE_ERR_BAD_SUFFIX, ANY_OFFSET},
	/* level II shape */
	{"J110", 0, MEDCODE_ERR_LEVEL2_SHAPE, ANY_OFFSET},
	{"J11A0", 0, MEDCODE_ERR_LEVEL2_SHAPE, 3},
	{"j11a0", 0, MEDCODE_ERR_LEVEL2_SHAPE, 3},
	{"J", 0, MEDCODE_ERR_LEVEL2_SHAPE, ANY_OFFSET},
	{"JW", 0, MEDCODE_ERR_LEVEL2_SHAPE, ANY_OFFSET},
	{"ABCDE", 0, MEDCODE_ERR_LEVEL2_SHAPE, 1},
	{"A123B", 0, MEDCODE_ERR_LEVEL2_SHAPE, 4},
	{" JJ100", 0, MEDCODE_ERR_LEVEL2_SHAPE, 2},
	/* level II letter */
	{"I1234", 0, MEDCODE_ERR_LEVEL2_LETTER, ANY_OFFSET},
	{"O1234", 0, MEDCODE_ERR_LEVEL2_LETTER, ANY_OFFSET},
	{"W1234", 0, MEDCODE_ERR_LEVEL2_LETTER, ANY_OFFSET},
	{"Z9999", 0, MEDCODE_ERR_LEVEL2_LETTER, ANY_OFFSET},
	{"X0000", 0, MEDCODE_ERR_LEVEL2_LETTER, ANY_OFFSET},
	{"Y1234", 0, MEDCODE_ERR_LEVEL2_LETTER, ANY_OFFSET},
	{"i1234", 0, MEDCODE_ERR_LEVEL2_LETTER, ANY_OFFSET},
	{"o0000", 0, MEDCODE_ERR_LEVEL2_LETTER, ANY_OFFSET},
	/* letter in the middle */
	{"12A45", 0, MEDCODE_ERR_SHAPE, 2},
	{"1A345", 0, MEDCODE_ERR_SHAPE, 1},
	{"123A5", 0, MEDCODE_ERR_SHAPE, 3},
	{"0A0A0", 0, MEDCODE_ERR_SHAPE, 1},
	{"00T42", 0, MEDCODE_ERR_SHAPE, 2},
	/* bad characters (offset is absolute, from the start of the input) */
	{"99 213", 0, MEDCODE_ERR_BAD_CHAR, 2},
	{"  99 213", 0, MEDCODE_ERR_BAD_CHAR, 4},
	{"99213-", 0, MEDCODE_ERR_BAD_CHAR, 5},
	{"-99213", 0, MEDCODE_ERR_BAD_CHAR, 0},
	{"99.13", 0, MEDCODE_ERR_BAD_CHAR, 2},
	{"99_13", 0, MEDCODE_ERR_BAD_CHAR, 2},
	{"99213,25", 0, MEDCODE_ERR_BAD_CHAR, 5},
	{"99213/25", 0, MEDCODE_ERR_BAD_CHAR, 5},
	{"99213.25", 0, MEDCODE_ERR_BAD_CHAR, 5},
	{"99A13-25", 0, MEDCODE_ERR_BAD_CHAR, 5},	/* not a code before the '-' */
	{"I1234-25", 0, MEDCODE_ERR_BAD_CHAR, 5},
	{"992\xc3\xa9", 0, MEDCODE_ERR_BAD_CHAR, 3},	/* UTF-8 e-acute */
	{"\xff\xff\xff\xff\xff", 0, MEDCODE_ERR_BAD_CHAR, 0},
	{"J1100\x80", 0, MEDCODE_ERR_BAD_CHAR, 5},
	{"99213\xa0", 0, MEDCODE_ERR_BAD_CHAR, 5},	/* Latin-1 NBSP is no space */
	{"\xc2\xa0" "99213", 0, MEDCODE_ERR_BAD_CHAR, 0},	/* nor is UTF-8 NBSP */
	{"\xef\xbc\x99\xef\xbc\x99\xef\xbc\x92\xef\xbc\x91\xef\xbc\x93", 0, MEDCODE_ERR_BAD_CHAR, 0},	/* fullwidth 99213 */
	{"99213\x7f", 0, MEDCODE_ERR_BAD_CHAR, 5},
	{"\x01", 0, MEDCODE_ERR_BAD_CHAR, 0},
	{"9921\x1b" "3", 0, MEDCODE_ERR_BAD_CHAR, 4},
	{"\x1b[0m", 0, MEDCODE_ERR_BAD_CHAR, 0},
	{"\x08" "99213", 0, MEDCODE_ERR_BAD_CHAR, 0},
	{"99'13", 0, MEDCODE_ERR_BAD_CHAR, 2},
	{"\"99213\"", 0, MEDCODE_ERR_BAD_CHAR, 0},
	/* NUL bytes inside (explicit length) */
	{"\0", LEN("\0"), MEDCODE_ERR_BAD_CHAR, 0},
	{"9921\0" "3", LEN("9921\0" "3"), MEDCODE_ERR_BAD_CHAR, 4},
	{"99213\0", LEN("99213\0"), MEDCODE_ERR_BAD_CHAR, 5},
	{"\0" "99213", LEN("\0" "99213"), MEDCODE_ERR_BAD_CHAR, 0},
	{"99213\0" "25", LEN("99213\0" "25"), MEDCODE_ERR_BAD_CHAR, 5},
	{" \0 ", LEN(" \0 "), MEDCODE_ERR_BAD_CHAR, 1},
	{"J1\0" "00", LEN("J1\0" "00"), MEDCODE_ERR_BAD_CHAR, 2},
	/* a valid code with a modifier: the modifier cases are checked in detail below */
	{"99213-25", 0, MEDCODE_ERR_MODIFIER, ANY_OFFSET},
	{"99213:25", 0, MEDCODE_ERR_MODIFIER, ANY_OFFSET},
	{"J1100 JW", 0, MEDCODE_ERR_MODIFIER, ANY_OFFSET},
	{"J1100-JW-59", 0, MEDCODE_ERR_MODIFIER, ANY_OFFSET},
	/* only the first len bytes count */
	{"99213", 4, MEDCODE_ERR_LOST_ZEROS, 0},
	{"J1100", 3, MEDCODE_ERR_LEVEL2_SHAPE, ANY_OFFSET},
	{"99213-25", 6, MEDCODE_ERR_BAD_CHAR, 5},
};

static void
test_malformed(void)
{
	size_t		n = sizeof(bad_cases) / sizeof(bad_cases[0]);

	for (size_t i = 0; i < n; i++)
	{
		const BadCase *c = &bad_cases[i];
		size_t		len = c->len ? c->len : strlen(c->input);
		MedcodeParse p;
		bool		r = parse_exact(c->input, len, &p);
		char		detail[256];
		char		hint[256];
		char	   *buf;

		if (!ok(!r && p.error == c->error, "reject %s as %s", esc(c->input, len), error_name(c->error)))
			diag("got %s (returned %s) expected %s", error_name(p.error), r ? "true" : "false",
				 error_name(c->error));
		if (c->offset != ANY_OFFSET)
			is_int((long long) p.offset, c->offset, "%s: offset of the offending byte", esc(c->input, len));
		ok(p.value == -1, "%s: value is -1 on failure", esc(c->input, len));

		/* explain, with the same exact-size input and 1-based char_pos */
		memset(detail, 'x', sizeof(detail));
		memset(hint, 'x', sizeof(hint));
		buf = exact_copy(c->input, len);
		medcode_explain(&p, buf, len, (int) p.offset + 1, detail, sizeof(detail), hint, sizeof(hint));
		free(buf);
		if (!ok(memchr(detail, '\0', sizeof(detail)) != NULL && detail[0] != '\0' &&
				memchr(hint, '\0', sizeof(hint)) != NULL,
				"%s: explain gives a NUL-terminated non-empty detail", esc(c->input, len)))
			diag("got detail \"%.*s\"", (int) sizeof(detail) - 1, detail);
	}
	ok(n >= 60, "at least 60 malformed inputs (%zu)", n);
}

typedef struct ModCase
{
	const char *input;
	const char *code;
	const char *modifier;
	size_t		modifier_offset;
} ModCase;

static const ModCase mod_cases[] = {
	{"99213-25", "99213", "25", 6},
	{"99213:25", "99213", "25", 6},
	{"J1100 JW", "J1100", "JW", 6},
	{"J1100-JW-59", "J1100", "JW-59", 6},
	{"21899:63", "21899", "63", 6},
	{"j1100 jw", "J1100", "jw", 6},
	{" 99213-25 ", "99213", "25", 7},
	{"\t0042t-59\n", "0042T", "59", 7},
	{"99213\t25", "99213", "25", 6},
	{"99213 - 25", "99213", "25", 8},
	{"99213--25", "99213", "25", 7},
	{"99213-25-59-LT-RT", "99213", "25-59-LT-RT", 6},
	{"99213-2", "99213", "2", 6},	/* shortest: code, separator, one byte */
	{"J1100 1P", "J1100", "1P", 6},
	/* glued: the pairs after a code's five characters */
	{"9921325", "99213", "25", 5},
	{"99213AB", "99213", "AB", 5},
	{"J1100JW", "J1100", "JW", 5},
	{" j1100jw59 ", "J1100", "jw59", 6},
	{"0042T59LTRT76", "0042T", "59LTRT76", 5},
};

static void
test_modifier(void)
{
	for (size_t i = 0; i < sizeof(mod_cases) / sizeof(mod_cases[0]); i++)
	{
		const ModCase *c = &mod_cases[i];
		size_t		len = strlen(c->input);
		char	   *buf = exact_copy(c->input, len);
		MedcodeParse p;
		bool		r = medcode_parse(buf, len, &p);
		char		modifier[64] = "";
		char		detail[256];
		char		hint[256];

		if (!ok(!r && p.error == MEDCODE_ERR_MODIFIER, "%s is a code with a modifier", esc(c->input, len)))
			diag("got %s expected MODIFIER", error_name(p.error));
		is_str(p.code, c->code, "%s: code part", esc(c->input, len));
		is_int((long long) p.modifier_offset, (long long) c->modifier_offset,
			   "%s: modifier_offset", esc(c->input, len));
		if (ok(p.modifier_offset + p.modifier_len <= len && p.modifier_len < sizeof(modifier),
			   "%s: modifier within the input", esc(c->input, len)))
			memcpy(modifier, buf + p.modifier_offset, p.modifier_len);
		is_str(modifier, c->modifier, "%s: modifier text", esc(c->input, len));
		medcode_explain(&p, buf, len, 1, detail, sizeof(detail), hint, sizeof(hint));
		if (!ok(strstr(detail, c->code) != NULL && strstr(detail, c->modifier) != NULL && hint[0] != '\0',
				"%s: explain names code and modifier, with a hint", esc(c->input, len)))
			diag("got detail \"%s\" hint \"%s\"", detail, hint);
		free(buf);
	}
}

/* ---------------------------------------------------------------- explain */

static void
test_explain(void)
{
	static const struct
	{
		const char *input;
		const char *padded;
	}			lz[] = {
		{"100", "\"00100\""},
		{"9921", "\"09921\""},
		{"1", "\"00001\""},
		{"0", "\"00000\""},
		{" 100 ", "\"00100\""},
		{"\t\t410\n", "\"00410\""},
		{"0001", "\"00001\""},
	};
	MedcodeParse p;
	char		detail[256];
	char		hint[256];
	char		small[12];
	char	   *buf;

	for (size_t i = 0; i < sizeof(lz) / sizeof(lz[0]); i++)
	{
		size_t		len = strlen(lz[i].input);

		buf = exact_copy(lz[i].input, len);
		medcode_parse(buf, len, &p);
		is_int(p.error, MEDCODE_ERR_LOST_ZEROS, "%s: LOST_ZEROS", esc(lz[i].input, len));
		medcode_explain(&p, buf, len, 1, detail, sizeof(detail), hint, sizeof(hint));
		free(buf);
		if (!ok(strstr(hint, lz[i].padded) != NULL && detail[0] != '\0',
				"%s: hint gives the zero-padded form %s", esc(lz[i].input, len), lz[i].padded))
			diag("got hint \"%s\" expected it to contain %s", hint, lz[i].padded);
	}

	/* every error value has a detail, even with no input to look at */
	for (int e = MEDCODE_ERR_EMPTY; e <= MEDCODE_ERR_SHAPE; e++)
	{
		static const char *inputs[] = {
			NULL, "", "9 9", "99213-25", "100", "42T", "992133", "3074X", "J110", "I1234", "12A45"
		};
		const char *in = inputs[e];
		size_t		len = strlen(in);

		buf = exact_copy(in, len);
		medcode_parse(buf, len, &p);
		is_int(p.error, e, "%s gives error %s", esc(in, len), error_name((MedcodeError) e));
		medcode_explain(&p, buf, len, (int) p.offset + 1, detail, sizeof(detail), hint, sizeof(hint));
		if (!ok(detail[0] != '\0' && strlen(detail) < sizeof(detail),
				"explain %s has a detail", error_name((MedcodeError) e)))
			diag("got empty detail");
		/* a tiny buffer still gets a NUL-terminated, truncated detail */
		memset(small, 'x', sizeof(small));
		medcode_explain(&p, buf, len, (int) p.offset + 1, small, sizeof(small), hint, sizeof(hint));
		ok(memchr(small, '\0', sizeof(small)) != NULL && small[0] != '\0',
		   "explain %s into a %zu-byte buffer stays NUL-terminated", error_name((MedcodeError) e), sizeof(small));
		free(buf);
	}

	/* BAD_CHAR names the character position the caller gives */
	buf = exact_copy("99 213", 6);
	medcode_parse(buf, 6, &p);
	medcode_explain(&p, buf, 6, (int) p.offset + 1, detail, sizeof(detail), hint, sizeof(hint));
	free(buf);
	if (!ok(strstr(detail, "Character 3 ") != NULL, "BAD_CHAR detail for '99 213' names character 3"))
		diag("got detail \"%s\"", detail);

	/* OK has nothing to explain */
	buf = exact_copy("99213", 5);
	medcode_parse(buf, 5, &p);
	medcode_explain(&p, buf, 5, 1, detail, sizeof(detail), hint, sizeof(hint));
	free(buf);
	ok(detail[0] == '\0' && hint[0] == '\0', "explain of a good parse is empty");
}

/* ---------------------------------------------------------------- classify */

typedef struct ClassCase
{
	const char *code;
	const char *kind;
	const char *section;
	const char *category;
	const char *system;
	int			level;
} ClassCase;

#define L2_A "Transportation, Medical and Surgical Supplies, Miscellaneous"
#define L2_J "Drugs Administered Other Than Oral Method, Chemotherapy"

static const ClassCase class_cases[] = {
	{"00100", "category I", "Anesthesia", "I", "CPT", 1},
	{"01999", "category I", "Anesthesia", "I", "CPT", 1},
	{"99100", "category I", "Anesthesia", "I", "CPT", 1},
	{"99140", "category I", "Anesthesia", "I", "CPT", 1},
	{"99141", "category I", "Medicine", "I", "CPT", 1},
	{"10004", "category I", "Surgery", "I", "CPT", 1},
	{"69990", "category I", "Surgery", "I", "CPT", 1},
	{"69991", "category I", NULL, "I", "CPT", 1},
	{"70010", "category I", "Radiology", "I", "CPT", 1},
	{"79999", "category I", "Radiology", "I", "CPT", 1},
	{"80047", "category I", "Pathology and Laboratory", "I", "CPT", 1},
	{"89398", "category I", "Pathology and Laboratory", "I", "CPT", 1},
	{"90281", "category I", "Medicine", "I", "CPT", 1},
	{"99199", "category I", "Medicine", "I", "CPT", 1},
	{"99202", "category I", "Evaluation and Management", "I", "CPT", 1},
	{"99213", "category I", "Evaluation and Management", "I", "CPT", 1},
	{"99499", "category I", "Evaluation and Management", "I", "CPT", 1},
	{"99500", "category I", "Medicine", "I", "CPT", 1},
	{"99607", "category I", "Medicine", "I", "CPT", 1},
	{"99608", "category I", NULL, "I", "CPT", 1},
	{"00000", "category I", NULL, "I", "CPT", 1},
	{"00099", "category I", NULL, "I", "CPT", 1},
	{"02000", "category I", NULL, "I", "CPT", 1},
	{"10003", "category I", NULL, "I", "CPT", 1},
	{"70009", "category I", NULL, "I", "CPT", 1},
	{"80046", "category I", NULL, "I", "CPT", 1},
	{"89399", "category I", NULL, "I", "CPT", 1},
	{"90280", "category I", NULL, "I", "CPT", 1},
	{"99200", "category I", NULL, "I", "CPT", 1},
	{"99201", "category I", "Evaluation and Management", "I", "CPT", 1},
	{"99999", "category I", NULL, "I", "CPT", 1},
	{"0001U", "PLA", "Pathology and Laboratory", "I", "CPT", 1},
	{"9999U", "PLA", "Pathology and Laboratory", "I", "CPT", 1},
	{"0002M", "MAAA", "Pathology and Laboratory", "I", "CPT", 1},
	{"0001A", "vaccine", "Medicine", "I", "CPT", 1},
	{"0000A", "vaccine", "Medicine", "I", "CPT", 1},
	{"3074F", "category II", NULL, "II", "CPT", 1},
	{"0042T", "category III", NULL, "III", "CPT", 1},
	{"D0120", "dental", "Dental", NULL, "HCPCS", 2},
	{"J1100", "level II", L2_J, NULL, "HCPCS", 2},
	{"A0000", "level II", L2_A, NULL, "HCPCS", 2},
	{"A0425", "level II", L2_A, NULL, "HCPCS", 2},
	{"C9999", "level II", "Outpatient PPS", NULL, "HCPCS", 2},
	{"E0110", "level II", "Durable Medical Equipment", NULL, "HCPCS", 2},
	{"E0000", "level II", "Durable Medical Equipment", NULL, "HCPCS", 2},
	{"F1234", "level II", NULL, NULL, "HCPCS", 2},
	{"G0438", "level II", "Procedures and Professional Services", NULL, "HCPCS", 2},
	{"N1234", "level II", NULL, NULL, "HCPCS", 2},
	{"U0001", "level II", "Coronavirus Laboratory Tests", NULL, "HCPCS", 2},
	{"V2020", "level II", "Vision, Hearing and Speech-Language Services", NULL, "HCPCS", 2},
	{"V9999", "level II", "Vision, Hearing and Speech-Language Services", NULL, "HCPCS", 2},
};

static void
test_classify(void)
{
	for (size_t i = 0; i < sizeof(class_cases) / sizeof(class_cases[0]); i++)
	{
		const ClassCase *c = &class_cases[i];
		MedcodeParse p;

		if (!ok(parse_exact(c->code, strlen(c->code), &p), "%s parses", c->code))
			continue;
		is_str(medcode_kind_name(medcode_kind(p.value)), c->kind, "%s kind", c->code);
		is_str(medcode_section(p.value), c->section, "%s section", c->code);
		is_str(medcode_cpt_category(p.value), c->category, "%s CPT category", c->code);
		is_str(medcode_system_name(p.value), c->system, "%s system", c->code);
		is_int(medcode_hcpcs_level(p.value), c->level, "%s HCPCS level", c->code);
	}
}

/*
 * Sweep every value against an oracle written from DOMAIN.md: kind from the
 * shape, Category I sections from the documented ranges, Level II sections
 * present for every letter but F and N.
 */
static const char *
oracle_cat1_section(int n)
{
	if (n >= 99100 && n <= 99140)
		return "Anesthesia";
	if (n >= 100 && n <= 1999)
		return "Anesthesia";
	if (n >= 10004 && n <= 69990)
		return "Surgery";
	if (n >= 70010 && n <= 79999)
		return "Radiology";
	if (n >= 80047 && n <= 89398)
		return "Pathology and Laboratory";
	if ((n >= 90281 && n <= 99199) || (n >= 99500 && n <= 99607))
		return "Medicine";
	if (n >= 99201 && n <= 99499)
		return "Evaluation and Management";
	return NULL;
}

static bool
same_str(const char *a, const char *b)
{
	return (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;
}

static void
test_classify_sweep(void)
{
	long		bad = 0;
	int32_t		first = -1;

	for (int32_t v = 0; v < MEDCODE_COUNT; v++)
	{
		char		t[MEDCODE_LEN + 1];
		MedcodeKind k = medcode_kind(v);
		const char *sec = medcode_section(v);
		bool		good;

		medcode_format(v, t);
		if (v < MEDCODE_SUFFIX_FIRST)
			good = k == MEDCODE_KIND_CATEGORY_I && same_str(sec, oracle_cat1_section(v)) &&
				same_str(medcode_cpt_category(v), "I");
		else if (v < MEDCODE_LEVEL2_FIRST)
		{
			MedcodeKind want = t[4] == 'A' ? MEDCODE_KIND_VACCINE :
			t[4] == 'F' ? MEDCODE_KIND_CATEGORY_II :
			t[4] == 'M' ? MEDCODE_KIND_MAAA :
			t[4] == 'T' ? MEDCODE_KIND_CATEGORY_III : MEDCODE_KIND_PLA;

			good = k == want &&
				same_str(medcode_cpt_category(v),
						 want == MEDCODE_KIND_CATEGORY_II ? "II" :
						 want == MEDCODE_KIND_CATEGORY_III ? "III" : "I");
		}
		else
			good = k == (t[0] == 'D' ? MEDCODE_KIND_DENTAL : MEDCODE_KIND_LEVEL_II) &&
				((t[0] == 'F' || t[0] == 'N') ? sec == NULL : sec != NULL && sec[0] != '\0') &&
				medcode_cpt_category(v) == NULL;
		good = good && medcode_kind_name(k) != NULL &&
			medcode_hcpcs_level(v) == (v < MEDCODE_LEVEL2_FIRST ? 1 : 2) &&
			same_str(medcode_system_name(v), v < MEDCODE_LEVEL2_FIRST ? "CPT" : "HCPCS");
		if (!good && bad++ == 0)
			first = v;
	}
	if (!is_int(bad, 0, "classification of all %d values agrees with DOMAIN.md", MEDCODE_COUNT))
	{
		char		t[MEDCODE_LEN + 1];
		const char *sec;

		medcode_format(first, t);
		sec = medcode_section(first);
		diag("first: %s kind=%s section=%s", t, medcode_kind_name(medcode_kind(first)),
			 sec ? sec : "NULL");
	}

	/* kind boundaries */
	is_int(medcode_kind(99999), MEDCODE_KIND_CATEGORY_I, "kind of 99999");
	is_int(medcode_kind(100000), MEDCODE_KIND_VACCINE, "kind of 0000A");
	is_int(medcode_kind(109999), MEDCODE_KIND_VACCINE, "kind of 9999A");
	is_int(medcode_kind(110000), MEDCODE_KIND_CATEGORY_II, "kind of 0000F");
	is_int(medcode_kind(149999), MEDCODE_KIND_PLA, "kind of 9999U");
	is_int(medcode_kind(150000), MEDCODE_KIND_LEVEL_II, "kind of A0000");
	is_int(medcode_kind(179999), MEDCODE_KIND_LEVEL_II, "kind of C9999");
	is_int(medcode_kind(180000), MEDCODE_KIND_DENTAL, "kind of D0000");
	is_int(medcode_kind(189999), MEDCODE_KIND_DENTAL, "kind of D9999");
	is_int(medcode_kind(190000), MEDCODE_KIND_LEVEL_II, "kind of E0000");
}

/* The families joined with commas, as codeset.system_families() prints them */
static const char *
joined_families(const char *system)
{
	static char buf[128];
	const char *const *f = medcode_system_families(system);

	if (f == NULL)
		return NULL;
	buf[0] = '\0';
	for (int i = 0; f[i] != NULL; i++)
	{
		if (i > 0)
			strcat(buf, ",");
		strcat(buf, f[i]);
	}
	return buf;
}

static void
test_families(void)
{
	static const char *const systems[] = {"CPT", "HCPCS", "CDT"};
	int			owners[MEDCODE_FAMILIES] = {0};
	long		bad = 0;

	for (int f = 0; f < MEDCODE_FAMILIES; f++)
	{
		const char *name = medcode_family_name(f);
		char		t[MEDCODE_LEN + 1];

		medcode_format(medcode_family_first(f), t);
		/* the name is the code's shape: NNNN + suffix, or the Level II letter */
		if (name == NULL || medcode_family_by_name(name) != f ||
			(f == 0 ? strcmp(name, "NNNNN") != 0 :
			 f < 6 ? strlen(name) != 5 || name[4] != t[4] : strlen(name) != 1 || name[0] != t[0]))
			bad++;
	}
	is_int(bad, 0, "each family's name reads back and matches its codes");
	ok(medcode_family_name(-1) == NULL && medcode_family_name(MEDCODE_FAMILIES) == NULL,
	   "no name outside the families");
	is_int(medcode_family_by_name("modifier"), -1, "modifier is no family");
	is_int(medcode_family_by_name("j"), -1, "family names are upper case");

	is_str(joined_families("CPT"), "NNNNN,NNNNA,NNNNF,NNNNM,NNNNT,NNNNU", "families of CPT");
	is_str(joined_families("HCPCS"), "A,B,C,E,F,G,H,J,K,L,M,N,P,Q,R,S,T,U,V", "families of HCPCS");
	is_str(joined_families("CDT"), "D", "families of CDT");
	ok(medcode_system_families("cpt") == NULL && medcode_system_families("ICD10") == NULL &&
	   medcode_system_families("") == NULL, "no families for another system");
	for (int i = 0; i < 3; i++)
		for (const char *const *f = medcode_system_families(systems[i]); *f != NULL; f++)
			if (medcode_family_by_name(*f) >= 0)
				owners[medcode_family_by_name(*f)]++;
	bad = 0;
	for (int f = 0; f < MEDCODE_FAMILIES; f++)
		bad += owners[f] != 1;
	is_int(bad, 0, "every family belongs to exactly one system");
}

int
main(void)
{
	test_valid();
	test_round_trip();
	test_mutations();
	test_malformed();
	test_modifier();
	test_explain();
	test_classify();
	test_classify_sweep();
	test_families();

	printf("1..%d\n", n_tests);
	if (n_failed)
		diag("%d of %d tests failed", n_failed, n_tests);
	return n_failed ? 1 : 0;
}
