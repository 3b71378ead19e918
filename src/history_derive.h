/*
 * history_derive.h: one code's history, derived from every loaded release.
 *
 * Pure C.  The history is a function of the set of loaded releases, not of
 * the order they were loaded in: the caller passes, for one code (or
 * modifier), one source per release that covers its family, sorted by
 * effective date, and gets back its periods.  Days are PostgreSQL DateADT
 * values (days since 2000-01-01); HISTORY_DAY_MIN and HISTORY_DAY_MAX stand
 * for -infinity and infinity.
 *
 * Which source decides a day (doc/codeset.md, "Which source wins"):
 *  1. A CMS HCPCS record dates the code: valid from its add date (for a
 *     reactivation, action code R, from the action date) through its
 *     termination date, not valid outside.  The newest record that dates a
 *     day wins.  A record dates the days before the next release of the
 *     code's family (what comes later it cannot know), and when its
 *     termination date lies beyond that, the days through it up to the
 *     next release after it; a reactivation dates nothing before its
 *     action date.
 *  2. Else the snapshots decide: every release is a complete list of its
 *     families on its effective date, so a code is in force on that day
 *     when listed.  Between two releases at most a quarter (92 days) apart
 *     the earlier state holds up to the later date; across a longer gap, or
 *     before the first release that lists the code, a change of state falls
 *     somewhere in between and those days are undetermined.
 *  3. Undetermined days lie next to days in force: a change of state
 *     between two days out of force (a list that has a code a record calls
 *     ended) is none, and those days are not valid.
 */
#ifndef CODESET_HISTORY_DERIVE_H
#define CODESET_HISTORY_DERIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HISTORY_DAY_MIN INT32_MIN
#define HISTORY_DAY_MAX INT32_MAX

/* Across a longer gap between releases, a change falls in between */
#define HISTORY_QUARTER_DAYS 92

typedef enum HistoryStatus
{
	HISTORY_INVALID = 0,
	HISTORY_VALID = 1,
	HISTORY_UNDETERMINED = 2
} HistoryStatus;

/*
 * One release that covers the code's family, and what it says of the code.
 * Every release of the family is passed, listing the code or not.
 */
typedef struct HistorySource
{
	int32_t		date;			/* the release's effective date */
	bool		is_record;		/* a CMS HCPCS file: its entry carries dates */
	bool		listed;			/* the release has an entry for the code */
	bool		has_description;	/* a list entry that gives a short description */
	/* of a record (is_record && listed); DAY_MIN / DAY_MAX when blank */
	int32_t		add_date;
	int32_t		action_date;
	int32_t		term_date;
	char		action_code;
	/* of an entry: its attributes but the action code and dates, and its short description */
	uint64_t	attrs_hash;
	uint64_t	short_hash;
} HistorySource;

/* A period: days in force, with the sources of its attributes. */
typedef struct HistoryPeriod
{
	int32_t		from;			/* first day in force (DAY_MIN: since ever) */
	int32_t		to;				/* last day in force (DAY_MAX: open) */
	int32_t		possible_from;	/* < from when the days before are undetermined */
	int32_t		possible_to;	/* > to when the days after are undetermined */
	int			record;			/* index of the record giving the attributes, or -1 */
	int			list;			/* index of a list whose short description applies, or -1 */
	int			dates;			/* the record that dates its last days (its action code,
								 * dates and cross-references), or -1 */
} HistoryPeriod;

/* Days on which a record and the snapshots disagree. */
typedef struct HistoryConflict
{
	int32_t		from;
	int32_t		to;
	int			record;			/* the deciding record */
	HistoryStatus record_says;
	int			snapshot;		/* the release whose snapshot speaks for these days */
	HistoryStatus snapshot_says;
} HistoryConflict;

/*
 * The status of the code on a day, and which source decided it: the record
 * (index into src) or, when *record is -1, the snapshots (*snapshot is the
 * release at or before the day, or -1 before the first).
 */
extern HistoryStatus history_status_on(const HistorySource *src, int n, int32_t day,
									   int *record, int *snapshot);

/*
 * The periods of the code.  out must hold history_max_periods(n) entries,
 * and edges (the caller's scratch, so that no allocation can fail here)
 * history_scratch_days(n) days; returns how many were written.  The work
 * is quadratic in n (the releases of the code's family), not cubic: each
 * record's dated days are found once.  A period's descriptive attributes are
 * those of the newest record released on or before its days that has the
 * code in force (else the first that has), with the short description of a
 * list released after that record when it says another; its action code,
 * dates and cross-references are those of the record that dates its days.
 * Consecutive days with equal descriptive attributes (by hash) make one
 * period, named after its newest sources.
 */
extern size_t history_max_periods(int n);
extern size_t history_scratch_days(int n);
extern size_t history_derive(const HistorySource *src, int n, HistoryPeriod *out, int32_t *edges);

/* The days where a record overrides what the snapshots say (same bound). */
extern size_t history_conflicts(const HistorySource *src, int n, HistoryConflict *out,
								int32_t *edges);

#endif
