/*
 * test_interrupt_poll: the pure cores' loops over input of unbounded size
 * poll the interrupt hook (interrupt_poll.h), and a hook that jumps out, as
 * the server's CHECK_FOR_INTERRUPTS() does, leaves nothing allocated
 * (LeakSanitizer checks at exit) and the caller's array whole.  And the
 * set literal's own sort, which replaced qsort() so that it can be
 * interrupted, sorts as qsort() does, on the shapes that break quicksorts.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hcpcs_file.h"
#include "history_derive.h"
#include "interrupt_poll.h"
#include "medcode.h"
#include "medcodeset_parse.h"
#include "tap.h"

static long polls;
static long jump_after;			/* jump out at this poll; 0: never */
static jmp_buf jump;

static void
count_poll(void)
{
	if (++polls == jump_after)
		longjmp(jump, 1);
}

static void
start_counting(long jump_at)
{
	polls = 0;
	jump_after = jump_at;
	codeset_poll_interrupts = count_poll;
}

/* ---- the sort, against qsort() ---- */

static int
range_cmp(const void *a, const void *b)
{
	const MedcodeRange *x = a,
			   *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return (x->hi > y->hi) - (x->hi < y->hi);
}

/* The normal form as the code had it: qsort(), then merge */
static size_t
reference_normalize(MedcodeRange *r, size_t n)
{
	size_t		m = 0;

	qsort(r, n, sizeof(MedcodeRange), range_cmp);
	for (size_t i = 0; i < n; i++)
	{
		if (m > 0 && r[i].lo <= (int64_t) r[m - 1].hi + 1 &&
			medcode_family_of(r[i].lo) == medcode_family_of(r[m - 1].hi))
		{
			if (r[i].hi > r[m - 1].hi)
				r[m - 1].hi = r[i].hi;
			continue;
		}
		r[m++] = r[i];
	}
	return m;
}

static uint64_t rng = 88172645463325252ULL;

static uint32_t
next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t) rng;
}

/* A code of family 0 (five digits) near v, as a one-code range or a short one */
static MedcodeRange
range_at(uint32_t v, uint32_t len)
{
	MedcodeRange r;

	r.lo = (int32_t) (v % 90000);
	r.hi = r.lo + (int32_t) (len % 5);
	return r;
}

enum
{
	SHAPE_RANDOM, SHAPE_FEW_VALUES, SHAPE_SORTED, SHAPE_REVERSED, SHAPE_EQUAL,
	SHAPE_ORGAN_PIPE, SHAPE_SAWTOOTH, SHAPE_MEDIAN_KILLER, SHAPES
};

static const char *const shape_names[] = {
	"random", "few values", "sorted", "reversed", "all equal", "organ pipe", "sawtooth",
	"median-of-three killer"
};

static void
fill(MedcodeRange *r, size_t n, int shape)
{
	for (size_t i = 0; i < n; i++)
	{
		uint32_t	v;

		switch (shape)
		{
			case SHAPE_RANDOM:
				v = next_random();
				break;
			case SHAPE_FEW_VALUES:
				v = next_random() % 3;
				break;
			case SHAPE_SORTED:
				v = (uint32_t) i;
				break;
			case SHAPE_REVERSED:
				v = (uint32_t) (n - i);
				break;
			case SHAPE_EQUAL:
				v = 42;
				break;
			case SHAPE_ORGAN_PIPE:
				v = (uint32_t) (i < n / 2 ? i : n - i);
				break;
			case SHAPE_SAWTOOTH:
				v = (uint32_t) (i % 97);
				break;
			default:
				/* Musser's sequence against a median of first, middle, last */
				v = (uint32_t) (i % 2 == 0 ? i : n / 2 + i);
				break;
		}
		r[i] = range_at(v, shape == SHAPE_RANDOM ? next_random() : 0);
	}
}

static void
test_sort(void)
{
	static const size_t sizes[] = {0, 1, 2, 3, 16, 17, 18, 33, 100, 1000, 4097, 100000, 1000000};

	codeset_poll_interrupts = NULL;
	for (int shape = 0; shape < SHAPES; shape++)
	{
		bool		same = true;

		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
		{
			size_t		n = sizes[k],
						got,
						want;
			MedcodeRange *a = malloc((n + 1) * sizeof(MedcodeRange));
			MedcodeRange *b = malloc((n + 1) * sizeof(MedcodeRange));

			fill(a, n, shape);
			memcpy(b, a, n * sizeof(MedcodeRange));
			got = medcodeset_normalize(a, n);
			want = reference_normalize(b, n);
			if (got != want || memcmp(a, b, got * sizeof(MedcodeRange)) != 0)
			{
				same = false;
				diag("%s, %zu ranges: %zu ranges, the reference %zu", shape_names[shape], n, got, want);
			}
			free(a);
			free(b);
		}
		ok(same, "normalize equals qsort and merge: %s, 0 to 1,000,000 ranges", shape_names[shape]);
	}
}

/* ---- the polls ---- */

/* '{99213, J1100, ...}' of n elements, exact size, no NUL */
static char *
literal(size_t n, size_t *len)
{
	static const char *const codes[] = {"99213", "J1100", "0042T", "G0438"};
	char	   *s = malloc(n * 7 + 2);
	size_t		k = 0;

	s[k++] = '{';
	for (size_t i = 0; i < n; i++)
	{
		memcpy(s + k, codes[i % 4], 5);
		k += 5;
		if (i + 1 < n)
		{
			s[k++] = ',';
			s[k++] = ' ';
		}
	}
	s[k++] = '}';
	*len = k;
	return s;
}

/* Whether b[0..n) is a permutation of a[0..n) (sorts both) */
static bool
same_multiset(MedcodeRange *a, MedcodeRange *b, size_t n)
{
	qsort(a, n, sizeof(MedcodeRange), range_cmp);
	qsort(b, n, sizeof(MedcodeRange), range_cmp);
	return memcmp(a, b, n * sizeof(MedcodeRange)) == 0;
}

static void
test_medcodeset(void)
{
	size_t		n = 1000000,
				len,
				got;
	char	   *s = literal(n, &len);
	MedcodeRange *r = malloc(n * sizeof(MedcodeRange));
	MedcodeRange *copy = malloc(n * sizeof(MedcodeRange));
	MedcodeSetParseError err;
	long		parse_polls;

	start_counting(0);
	is_int((long long) medcodeset_max_ranges(s, len), (long long) n, "a literal of 1,000,000 elements");
	ok(polls >= (long) (len / CODESET_POLL_EVERY), "medcodeset_max_ranges polls every %d bytes (%ld polls)",
	   CODESET_POLL_EVERY, polls);
	start_counting(0);
	ok(medcodeset_parse(s, len, r, n, &got, &err) && got == n, "it parses");
	parse_polls = polls;
	ok(parse_polls >= (long) (len / CODESET_POLL_EVERY), "medcodeset_parse polls every %d bytes (%ld polls)",
	   CODESET_POLL_EVERY, parse_polls);

	/* random ranges: the sort's every part polls */
	fill(r, n, SHAPE_RANDOM);
	start_counting(0);
	got = medcodeset_normalize(r, n);
	ok(polls >= (long) (n / CODESET_POLL_EVERY), "medcodeset_normalize polls (%ld polls)", polls);

	/* a jump out of each part of the sort leaves the array a permutation */
	{
		volatile bool whole = true;
		volatile long at;
		long		total;
		size_t		m = 100000;

		fill(r, m, SHAPE_RANDOM);
		start_counting(0);
		medcodeset_normalize(r, m);
		total = polls;
		for (at = 1; at < total; at += total / 7 + 1)
		{
			fill(r, m, SHAPE_RANDOM);
			memcpy(copy, r, m * sizeof(MedcodeRange));
			start_counting(at);
			if (setjmp(jump) == 0)
			{
				medcodeset_normalize(r, m);
				whole = false;
				diag("no jump at poll %ld", at);
			}
			else if (!same_multiset(r, copy, m))
			{
				whole = false;
				diag("after a jump at poll %ld of %ld the array lost ranges", at, total);
			}
		}
		ok(whole, "a jump out of the sort at any of 8 of its %ld polls leaves the caller's array a permutation of it",
		   total);
	}

	/* a jump out of the parse: nothing to free but the caller's */
	start_counting(parse_polls / 2);
	if (setjmp(jump) == 0)
	{
		medcodeset_parse(s, len, r, n, &got, &err);
		ok(false, "a jump out of medcodeset_parse");
	}
	else
		ok(true, "a jump out of medcodeset_parse (LeakSanitizer finds nothing at exit)");
	codeset_poll_interrupts = NULL;
	free(s);
	free(r);
	free(copy);
}

static void
test_hcpcs_file(void)
{
	size_t		lines = 100000,
				len = 2 * lines;
	char	   *data = malloc(len);
	HcpcsReader reader;
	HcpcsEntry	e;

	for (size_t i = 0; i < lines; i++)
		memcpy(data + 2 * i, " \n", 2);
	hcpcs_reader_init(&reader, data, len);
	start_counting(0);
	ok(hcpcs_next(&reader, &e) == HCPCS_ERROR, "100,000 blank lines are no HCPCS file");
	ok(polls >= (long) (lines / CODESET_POLL_EVERY), "hcpcs_next polls line by line (%ld polls)", polls);

	/* the disclaimer before the first record, jumped out of */
	for (size_t i = 0; i < lines; i++)
		memcpy(data + 2 * i, "x\n", 2);
	hcpcs_reader_init(&reader, data, len);
	start_counting(3);
	if (setjmp(jump) == 0)
	{
		hcpcs_next(&reader, &e);
		ok(false, "a jump out of hcpcs_next");
	}
	else
		ok(true, "a jump out of hcpcs_next, in free text before the first record");
	hcpcs_reader_free(&reader);
	codeset_poll_interrupts = NULL;
	free(data);
}

static void
test_history_derive(void)
{
	int			n = 2000;
	HistorySource *src = calloc((size_t) n, sizeof(HistorySource));
	HistoryPeriod *out = malloc(history_max_periods(n) * sizeof(HistoryPeriod));
	HistoryConflict *c = malloc(history_max_periods(n) * sizeof(HistoryConflict));
	int32_t    *edges = malloc(history_scratch_days(n) * sizeof(int32_t));

	/* a list every 30 days that has the code every other time */
	for (int i = 0; i < n; i++)
	{
		src[i].date = 30 * i;
		src[i].listed = i % 2 == 0;
		src[i].add_date = src[i].action_date = HISTORY_DAY_MIN;
		src[i].term_date = HISTORY_DAY_MAX;
	}
	start_counting(0);
	ok(history_derive(src, n, out, edges) > 0, "a history from 2,000 releases");
	ok(polls >= 2 * n, "history_derive polls once per release and per edge (%ld polls)", polls);
	start_counting(0);
	history_conflicts(src, n, c, edges);
	ok(polls >= 2 * n, "history_conflicts polls once per release and per edge (%ld polls)", polls);
	start_counting(n + 10);
	if (setjmp(jump) == 0)
	{
		history_derive(src, n, out, edges);
		ok(false, "a jump out of history_derive");
	}
	else
		ok(true, "a jump out of history_derive, part-way through its edges");
	codeset_poll_interrupts = NULL;
	free(src);
	free(out);
	free(c);
	free(edges);
}

int
main(void)
{
	test_sort();
	test_medcodeset();
	test_hcpcs_file();
	test_history_derive();
	printf("1..%d\n", n_tests);
	return n_failed > 0;
}
