/*
 * test_history_derive: one code's history from its releases, against a
 * reading of the rules day by day (history_derive.h), for the cases the
 * CMS files hold (a corrected add date, a code reused years later, a
 * reactivation, a stale list, a gap) and 30,000 random sets of releases.
 */
#include <stdint.h>
#include <stdlib.h>

#include "history_derive.h"
#include "tap.h"

#define MIN HISTORY_DAY_MIN
#define MAX HISTORY_DAY_MAX
#define V HISTORY_VALID
#define I HISTORY_INVALID
#define U HISTORY_UNDETERMINED

static HistorySource
record(int32_t date, int32_t add, int32_t term, char action, int32_t action_date)
{
	HistorySource s = {0};

	s.date = date;
	s.is_record = true;
	s.listed = true;
	s.add_date = add;
	s.term_date = term;
	s.action_code = action;
	s.action_date = action_date;
	return s;
}

static HistorySource
absent(int32_t date, bool is_record)
{
	HistorySource s = {0};

	s.date = date;
	s.is_record = is_record;
	s.add_date = s.action_date = MIN;
	s.term_date = MAX;
	return s;
}

static HistorySource
listed(int32_t date)
{
	HistorySource s = absent(date, false);

	s.listed = true;
	return s;
}

/* ---- the rules, read day by day, written apart from history_derive.c ---- */

static int32_t
next_date_after(const HistorySource *src, int n, int32_t day)
{
	int32_t		best = MAX;

	for (int i = 0; i < n; i++)
		if (src[i].date > day && src[i].date < best)
			best = src[i].date;
	return best;
}

static bool
reactivates(const HistorySource *s)
{
	return s->action_code == 'R' && s->action_date != MIN && s->action_date > s->add_date;
}

static int32_t
starts(const HistorySource *s)
{
	return reactivates(s) ? s->action_date : s->add_date != MIN ? s->add_date : s->date;
}

/* Does record i speak for the day? */
static bool
dates_day(const HistorySource *src, int n, int i, int32_t day)
{
	const HistorySource *s = &src[i];
	int32_t		last_known = s->term_date != MAX && s->term_date > s->date ? s->term_date : s->date;
	int32_t		next = next_date_after(src, n, last_known);
	int64_t		from = MIN;

	if (next != MAX && day >= next)
		return false;
	if (reactivates(s))
		return day >= s->action_date;
	/* back to the end of an earlier life that older records give */
	for (int j = 0; j < i; j++)
		if (src[j].is_record && src[j].listed && src[j].term_date < starts(s) &&
			(int64_t) src[j].term_date + 1 > from)
			from = (int64_t) src[j].term_date + 1;
	return day >= from;
}

static bool
in_force_on_own_date(const HistorySource *s)
{
	return s->listed && (!s->is_record || s->term_date >= s->date);
}

/* Whether any release of that date lists the code in force */
static bool
state_on(const HistorySource *src, int n, int32_t date)
{
	bool		any = false;

	for (int i = 0; i < n; i++)
		if (src[i].date == date)
			any |= in_force_on_own_date(&src[i]);
	return any;
}

static HistoryStatus
oracle(const HistorySource *src, int n, int32_t day)
{
	int32_t		prev = MIN,
				first = MAX;
	bool		here,
				there;
	int32_t		next;

	for (int i = n - 1; i >= 0; i--)
		if (src[i].is_record && src[i].listed && dates_day(src, n, i, day))
			return day >= starts(&src[i]) && day <= src[i].term_date ? V : I;
	for (int i = 0; i < n; i++)
	{
		if (src[i].date <= day && src[i].date > prev)
			prev = src[i].date;
		if (src[i].date < first)
			first = src[i].date;
	}
	if (n == 0)
		return I;
	if (prev == MIN)
		return state_on(src, n, first) ? U : I;
	here = state_on(src, n, prev);
	next = next_date_after(src, n, prev);
	if (day == prev || next == MAX)
		return here ? V : I;
	there = state_on(src, n, next);
	if (here == there || (int64_t) next - prev <= HISTORY_QUARTER_DAYS)
		return here ? V : I;
	return U;
}

/* What the periods say of a day */
static HistoryStatus
from_periods(const HistoryPeriod *p, size_t np, int32_t day)
{
	bool		undetermined = false;

	for (size_t i = 0; i < np; i++)
	{
		if (day >= p[i].from && day <= p[i].to)
			return V;
		if ((day >= p[i].possible_from && day < p[i].from) ||
			(day > p[i].to && day <= p[i].possible_to))
			undetermined = true;
	}
	return undetermined ? U : I;
}

static const char *
word(HistoryStatus s)
{
	return s == V ? "valid" : s == I ? "invalid" : "undetermined";
}

#define LO (-21)
#define HI 621				/* random days lie in [0, 390], terminations up to 590 */

/*
 * Undetermined days lie next to days in force: a change of state between
 * two days out of force (a list that has a code a record calls ended) is
 * none, and those days are not valid.
 */
static void
oracle_days(const HistorySource *src, int n, HistoryStatus *want)
{
	for (int d = LO; d <= HI; d++)
		want[d - LO] = oracle(src, n, d);
	for (int d = LO; d <= HI; d++)
	{
		int			e = d;

		if (want[d - LO] != U)
			continue;
		while (e < HI && want[e + 1 - LO] == U)
			e++;
		if (!((d > LO && want[d - 1 - LO] == V) || (e < HI && want[e + 1 - LO] == V)))
			for (int k = d; k <= e; k++)
				want[k - LO] = I;
		d = e;
	}
}

/* Checks every day of the window and the infinities; returns the first disagreement */
static bool
agrees(const HistorySource *src, int n, int32_t *bad)
{
	HistoryPeriod *p = malloc(history_max_periods(n) * sizeof(HistoryPeriod));
	int32_t    *edges = malloc(history_scratch_days(n) * sizeof(int32_t));
	size_t		np = history_derive(src, n, p, edges);
	HistoryStatus want[HI - LO + 1];
	bool		good = true;

	oracle_days(src, n, want);
	for (int64_t d = LO - 1; d <= HI + 1 && good; d++)
	{
		/* beyond the window every release is behind or ahead: as at its edge */
		int32_t		day = d < LO ? MIN + 1 : d > HI ? MAX - 1 : (int32_t) d;
		int32_t		at = d < LO ? LO : d > HI ? HI : (int32_t) d;
		int			rec,
					snap;

		if (from_periods(p, np, day) != want[at - LO] ||
			history_status_on(src, n, day, &rec, &snap) != oracle(src, n, at))
		{
			*bad = day;
			good = false;
		}
	}
	/* periods are in order, apart, and well formed */
	for (size_t i = 0; i < np && good; i++)
		if (p[i].to < p[i].from || p[i].possible_from > p[i].from || p[i].possible_to < p[i].to ||
			(i > 0 && p[i].from <= p[i - 1].to))
		{
			*bad = p[i].from;
			good = false;
		}
	free(p);
	free(edges);
	return good;
}

static void
check(const char *name, const HistorySource *src, int n, int32_t day, HistoryStatus want)
{
	HistoryPeriod *p = malloc(history_max_periods(n) * sizeof(HistoryPeriod));
	int32_t    *edges = malloc(history_scratch_days(n) * sizeof(int32_t));
	size_t		np = history_derive(src, n, p, edges);
	HistoryStatus got = from_periods(p, np, day);

	if (!ok(got == want, "%s", name))
		diag("day %d: got %s, want %s", day, word(got), word(want));
	free(p);
	free(edges);
}

static void
hand_picked(void)
{
	/* G9890: the 2018 file says added 2018-01-01 (day 6575), the 2020 file
	 * corrects it to 2018-04-01 (6665): the newer record wins */
	HistorySource g9890[] = {record(6575, 6575, MAX, 'A', 6575), record(7305, 6665, MAX, 'N', 6665)};

	check("a corrected add date: not valid before the newer add date", g9890, 2, 6600, I);
	check("... valid from it", g9890, 2, 6665, V);

	/* J1440: valid 1994-2013 (term day 5113), reused in 2023 (8582) */
	{
		HistorySource j1440[] = {record(6210, -2191, 5113, 'N', 5113), absent(7000, false),
		record(9405, 8582, MAX, 'N', 8582)};

		check("a reused code keeps its first life", j1440, 3, 0, V);
		check("... not valid between its lives", j1440, 3, 7000, I);
		check("... valid in its second", j1440, 3, 9000, V);
	}
	/* J0570: valid since 2017 in the 2020 file, left out of three lists,
	 * reactivated (R) by the 2025 Q4 file: older sources date the gap */
	{
		HistorySource j0570[] = {record(7580, 6210, MAX, 'N', 6210), listed(9131), absent(9131 + 90, false),
		absent(9131 + 181, false), record(9404, 6210, MAX, 'R', 9404)};

		check("a reactivation: valid before the gap", j0570, 5, 9131, V);
		check("... not valid in it", j0570, 5, 9131 + 200, I);
		check("... valid from its action date", j0570, 5, 9404, V);
	}
	/* M0245: terminated 2023-12-13 (8747) by the 2025 file; lists kept it */
	{
		HistorySource m0245[] = {listed(8766), listed(8857), record(9405, 8000, 8747, 'N', 8000)};

		check("a stale list: the record's termination wins", m0245, 3, 8800, I);
	}
	/* a list, then a list 183 days later without the code: the end falls in between */
	{
		HistorySource gap[] = {listed(7670), absent(7670 + 183, false)};

		check("a gap: valid on the list date", gap, 2, 7670, V);
		check("... undetermined in the gap", gap, 2, 7700, U);
		check("... not valid from the next list", gap, 2, 7670 + 183, I);
		check("... undetermined before the first list", gap, 2, 7000, U);
	}
}

static uint32_t rng = 12345;

static uint32_t
next_random(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

static int32_t
pick_day(void)
{
	return (int32_t) (next_random() % 40) * 10;
}

static int
cmp_date(const void *a, const void *b)
{
	const HistorySource *x = a,
			   *y = b;

	return (x->date > y->date) - (x->date < y->date);
}

int
main(void)
{
	int			bad_sets = 0;
	int32_t		bad_day = 0;

	hand_picked();
	for (int t = 0; t < 30000; t++)
	{
		HistorySource src[8];
		int			n = 1 + (int) (next_random() % 8);
		int32_t		bad;

		for (int i = 0; i < n; i++)
		{
			bool		is_record = next_random() % 2;

			src[i] = absent(pick_day(), is_record);
			if (next_random() % 4 == 0)
				continue;
			src[i].listed = true;
			src[i].has_description = !is_record && next_random() % 2;
			src[i].attrs_hash = next_random() % 3;
			src[i].short_hash = next_random() % 3;
			if (is_record)
			{
				src[i].add_date = next_random() % 5 == 0 ? MIN : pick_day();
				src[i].term_date = next_random() % 2 ? MAX : src[i].add_date == MIN ? pick_day() :
					src[i].add_date + (int32_t) (next_random() % 200);
				src[i].action_code = "ANRDC"[next_random() % 5];
				src[i].action_date = pick_day();
			}
		}
		qsort(src, n, sizeof(src[0]), cmp_date);
		if (!agrees(src, n, &bad))
		{
			if (bad_sets++ == 0)
				bad_day = bad;
		}
	}
	if (!is_int(bad_sets, 0, "30,000 random sets of releases: the periods read as the rules, on every day"))
		diag("first disagreement on day %d", bad_day);
	printf("1..%d\n", n_tests);
	return n_failed != 0;
}
