/*
 * history_derive.c: one code's periods from every loaded release (see
 * history_derive.h for the rules).
 *
 * Pure C.  The status is constant between consecutive edges (release dates
 * and the day after, record starts, ends and the first day each record
 * dates), so it is evaluated once per edge; test/unit/test_history_derive.c
 * checks it against a day-by-day reading.  The work per edge is linear in
 * the releases, which a user may load by the thousand: each edge polls for
 * interrupts.
 */
#include "history_derive.h"

#include <stdlib.h>

#include "interrupt_poll.h"

static bool
is_reactivation(const HistorySource *s)
{
	return s->action_code == 'R' && s->action_date != HISTORY_DAY_MIN &&
		s->action_date > s->add_date;
}

/* First day the record says the code is in force */
static int32_t
record_start(const HistorySource *s)
{
	if (is_reactivation(s))
		return s->action_date;
	return s->add_date != HISTORY_DAY_MIN ? s->add_date : s->date;
}

/* The first release date after day, or DAY_MAX */
static int32_t
next_release_after(const HistorySource *src, int n, int32_t day)
{
	for (int i = 0; i < n; i++)
		if (src[i].date > day)
			return src[i].date;
	return HISTORY_DAY_MAX;
}

/*
 * The days [*lo, *hi] a record dates.  Before its start it speaks back to
 * the end of an earlier life of the code that older records give (a code
 * CMS discontinued and, years later, added again keeps its first life), or
 * for a reactivation not at all.
 */
static void
record_dates(const HistorySource *src, int n, int i, int32_t *lo, int32_t *hi)
{
	const HistorySource *s = &src[i];
	int32_t		start = record_start(s);
	int32_t		after = s->term_date != HISTORY_DAY_MAX && s->term_date > s->date ?
		s->term_date : s->date;
	int32_t		next = next_release_after(src, n, after);

	*lo = HISTORY_DAY_MIN;
	if (is_reactivation(s))
		*lo = s->action_date;
	else
		for (int j = 0; j < i; j++)
			if (src[j].is_record && src[j].listed && src[j].term_date < start &&
				src[j].term_date >= *lo)
				*lo = src[j].term_date + 1;
	*hi = next == HISTORY_DAY_MAX ? HISTORY_DAY_MAX : next - 1;
}

static HistoryStatus
record_says(const HistorySource *s, int32_t day)
{
	return day >= record_start(s) && day <= s->term_date ? HISTORY_VALID : HISTORY_INVALID;
}

/* Listed and in force on the release's own date */
static bool
present_in(const HistorySource *s)
{
	return s->listed && (!s->is_record || s->term_date >= s->date);
}

/*
 * The snapshots' reading of a day: the state of the last release date at or
 * before it, carried to the next date when the two agree or are at most a
 * quarter apart.  *at is the last source on or before the day, or -1.
 */
static HistoryStatus
snapshot_says(const HistorySource *src, int n, int32_t day, int *at)
{
	int			i = 0,
				j;
	bool		here = false,
				there = false;
	int32_t		d,
				next;

	*at = -1;
	if (n == 0)
		return HISTORY_INVALID;
	if (day < src[0].date)
	{
		for (j = 0; j < n && src[j].date == src[0].date; j++)
			there |= present_in(&src[j]);
		return there ? HISTORY_UNDETERMINED : HISTORY_INVALID;
	}
	/* the last group of sources with one date on or before the day */
	for (j = 0; j < n; j++)
		if (src[j].date <= day && (j == 0 || src[j].date != src[j - 1].date))
			i = j;
	d = src[i].date;
	for (j = i; j < n && src[j].date == d; j++)
	{
		here |= present_in(&src[j]);
		*at = j;
	}
	if (day == d || j == n)
		return here ? HISTORY_VALID : HISTORY_INVALID;
	next = src[j].date;
	for (; j < n && src[j].date == next; j++)
		there |= present_in(&src[j]);
	if (here == there || (int64_t) next - d <= HISTORY_QUARTER_DAYS)
		return here ? HISTORY_VALID : HISTORY_INVALID;
	return HISTORY_UNDETERMINED;
}

/* Each record's dated days [lo[i], hi[i]], once per code (lo > hi: none) */
static void
bounds_of(const HistorySource *src, int n, int32_t *lo, int32_t *hi)
{
	for (int i = 0; i < n; i++)
	{
		codeset_poll_now();
		lo[i] = HISTORY_DAY_MAX;
		hi[i] = HISTORY_DAY_MIN;
		if (src[i].is_record && src[i].listed)
			record_dates(src, n, i, &lo[i], &hi[i]);
	}
}

/* The status of a day, given the records' bounds: linear in the releases */
static HistoryStatus
status_within(const HistorySource *src, int n, const int32_t *lo, const int32_t *hi,
			  int32_t day, int *record, int *snapshot)
{
	HistoryStatus s = snapshot_says(src, n, day, snapshot);

	*record = -1;
	for (int i = n - 1; i >= 0; i--)
		if (day >= lo[i] && day <= hi[i])
		{
			*record = i;
			return record_says(&src[i], day);
		}
	return s;
}

HistoryStatus
history_status_on(const HistorySource *src, int n, int32_t day, int *record, int *snapshot)
{
	HistoryStatus s = snapshot_says(src, n, day, snapshot);

	*record = -1;
	for (int i = n - 1; i >= 0; i--)
	{
		int32_t		lo,
					hi;

		if (!src[i].is_record || !src[i].listed)
			continue;
		record_dates(src, n, i, &lo, &hi);
		if (day >= lo && day <= hi)
		{
			*record = i;
			return record_says(&src[i], day);
		}
	}
	return s;
}

static int
cmp_day(const void *a, const void *b)
{
	int32_t		x = *(const int32_t *) a,
				y = *(const int32_t *) b;

	return (x > y) - (x < y);
}

static void
add_edge(int32_t *e, size_t *m, int64_t day)
{
	if (day > HISTORY_DAY_MIN && day <= HISTORY_DAY_MAX)
		e[(*m)++] = (int32_t) day;
}

size_t
history_max_periods(int n)
{
	return 6 * (size_t) n + 1;
}

/* The scratch: the edges, then each record's bounds */
size_t
history_scratch_days(int n)
{
	return history_max_periods(n) + 2 * (size_t) n;
}

/* Sorted distinct days where the status or the attributes' sources may change */
static size_t
edges_of(const HistorySource *src, int n, const int32_t *lo, const int32_t *hi, int32_t *e)
{
	size_t		m = 0,
				k = 0;

	e[m++] = HISTORY_DAY_MIN;
	for (int i = 0; i < n; i++)
	{
		const HistorySource *s = &src[i];

		add_edge(e, &m, s->date);
		add_edge(e, &m, (int64_t) s->date + 1);
		if (s->is_record && s->listed)
		{
			add_edge(e, &m, lo[i]);
			add_edge(e, &m, (int64_t) hi[i] + 1);
			add_edge(e, &m, record_start(s));
			add_edge(e, &m, (int64_t) s->term_date + 1);
		}
	}
	qsort(e, m, sizeof(int32_t), cmp_day);
	for (size_t i = 0; i < m; i++)
		if (k == 0 || e[i] != e[k - 1])
			e[k++] = e[i];
	return k;
}

static bool
lives_on(const HistorySource *s, int32_t day)
{
	return day >= record_start(s) && day <= s->term_date;
}

/*
 * The sources of a day's attributes: the newest record released on or
 * before the day that has the code in force on it (else the first record
 * that has, else the newest released before it, else the first), and a
 * list's short description released after that record (else, with no
 * record at all, the first list that gives one).
 */
static void
attribute_sources(const HistorySource *src, int n, int32_t day, int *record, int *list)
{
	int			before = -1,
				before_living = -1,
				first_living = -1,
				first_record = -1,
				first_list = -1;

	*list = -1;
	for (int i = 0; i < n; i++)
	{
		if (!src[i].listed || !src[i].is_record)
			continue;
		if (first_record < 0)
			first_record = i;
		if (lives_on(&src[i], day))
		{
			if (src[i].date <= day)
				before_living = i;
			else if (first_living < 0)
				first_living = i;
		}
		if (src[i].date <= day)
			before = i;
	}
	*record = before_living >= 0 ? before_living : first_living >= 0 ? first_living :
		before >= 0 ? before : first_record;
	for (int i = 0; i < n; i++)
	{
		if (!src[i].listed || src[i].is_record || !src[i].has_description)
			continue;
		if (first_list < 0)
			first_list = i;
		if (src[i].date <= day &&
			(*record < 0 || src[*record].date > day || src[*record].date < src[i].date))
			*list = i;
	}
	if (*record < 0 && *list < 0)
		*list = first_list;
	/* with no description anywhere, the list that has the code names the period */
	if (*record < 0 && *list < 0)
		for (int i = 0; i < n; i++)
			if (src[i].listed && (*list < 0 || src[i].date <= day))
				*list = i;
	/* a list that repeats the record's short description changes nothing */
	if (*list >= 0 && *record >= 0 && src[*list].short_hash == src[*record].short_hash)
		*list = -1;
}

static bool
same_attributes(const HistorySource *src, const HistoryPeriod *p, int record, int list)
{
	return (p->record < 0 ? record < 0 :
			record >= 0 && src[p->record].attrs_hash == src[record].attrs_hash) &&
		(p->list < 0 ? list < 0 :
		 list >= 0 && src[p->list].short_hash == src[list].short_hash);
}

size_t
history_derive(const HistorySource *src, int n, HistoryPeriod *out, int32_t *e)
{
	size_t		m,
				np = 0;
	HistoryStatus prev = HISTORY_INVALID;
	int32_t		undetermined_from = 0;

	int32_t    *lo = e + history_max_periods(n),
			   *hi = lo + n;

	bounds_of(src, n, lo, hi);
	m = edges_of(src, n, lo, hi, e);
	for (size_t k = 0; k < m; k++)
	{
		int32_t		day = e[k],
					last = k + 1 < m ? e[k + 1] - 1 : HISTORY_DAY_MAX;
		int			rec,
					snap,
					ar,
					al;
		HistoryStatus s;

		codeset_poll_now();
		s = status_within(src, n, lo, hi, day, &rec, &snap);
		if (s == HISTORY_VALID)
		{
			attribute_sources(src, n, day, &ar, &al);
			if (prev == HISTORY_VALID && same_attributes(src, &out[np - 1], ar, al))
			{
				out[np - 1].to = out[np - 1].possible_to = last;
				out[np - 1].record = ar;
				out[np - 1].list = al;
				out[np - 1].dates = rec;
			}
			else
			{
				HistoryPeriod *p = &out[np++];

				p->from = day;
				p->to = p->possible_to = last;
				/* undetermined days just before: it began somewhere in them */
				p->possible_from = prev == HISTORY_UNDETERMINED ? undetermined_from : day;
				p->record = ar;
				p->list = al;
				p->dates = rec;
			}
		}
		else if (s == HISTORY_UNDETERMINED)
		{
			if (prev != HISTORY_UNDETERMINED)
				undetermined_from = day;
			/* undetermined days just after a period: it ended in them */
			if (np > 0 && (int64_t) out[np - 1].possible_to + 1 == day)
				out[np - 1].possible_to = last;
		}
		prev = s;
	}
	return np;
}

size_t
history_conflicts(const HistorySource *src, int n, HistoryConflict *out, int32_t *e)
{
	size_t		m,
				nc = 0;

	int32_t    *lo = e + history_max_periods(n),
			   *hi = lo + n;

	bounds_of(src, n, lo, hi);
	m = edges_of(src, n, lo, hi, e);
	for (size_t k = 0; k < m; k++)
	{
		int32_t		day = e[k],
					last = k + 1 < m ? e[k + 1] - 1 : HISTORY_DAY_MAX;
		int			rec,
					snap;
		HistoryStatus by_record,
					by_snapshot;

		codeset_poll_now();
		by_record = status_within(src, n, lo, hi, day, &rec, &snap);
		by_snapshot = snapshot_says(src, n, day, &snap);

		/* before any release the snapshots say nothing to disagree with */
		if (rec < 0 || snap < 0 || by_record == by_snapshot)
			continue;
		if (nc > 0 && out[nc - 1].record == rec && out[nc - 1].snapshot == snap &&
			out[nc - 1].record_says == by_record && out[nc - 1].snapshot_says == by_snapshot &&
			(int64_t) out[nc - 1].to + 1 == day)
		{
			out[nc - 1].to = last;
			continue;
		}
		out[nc].from = day;
		out[nc].to = last;
		out[nc].record = rec;
		out[nc].record_says = by_record;
		out[nc].snapshot = snap;
		out[nc].snapshot_says = by_snapshot;
		nc++;
	}
	return nc;
}
