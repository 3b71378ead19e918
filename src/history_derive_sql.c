/*
 * history_derive_sql.c: the SQL face of history_derive.c.
 *
 *   codeset.derived_periods(families)   each code's periods, from every
 *                                       active release of the families
 *   codeset.source_conflicts(families)  where a CMS record overrides what
 *                                       the snapshots say
 *
 * Both read codeset.release and codeset.release_entry, group the rows by
 * code and hand each code's sources to the pure-C derivation.
 */
#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/tuplestore.h"

#include "history_derive.h"

PG_FUNCTION_INFO_V1(codeset_derived_periods);
PG_FUNCTION_INFO_V1(codeset_source_conflicts);

/* The active releases of each family, in the order the derivation wants */
static const char *const releases_query =
"SELECT f, r.release_id, r.effective, r.file_kind = 'hcpcs file'"
" FROM codeset.release r, pg_catalog.unnest(r.covers) f"
" WHERE r.superseded_by IS NULL AND r.unloaded_at IS NULL AND f = ANY ($1)"
" ORDER BY f, r.effective, r.release_id";

/*
 * Their entries, by code, then as the releases above.  The texts sort in
 * "C" order: byte compares, not the database collation's strcoll (which made
 * this sort of every entry of every release take twice as long).
 */
static const char *const entries_query =
"SELECT e.kind, e.key, e.family, e.release_id, e.has_attrs,"
"       e.add_date, e.action_effective_date, e.termination_date, e.action_code,"
"       e.attrs_hash, e.short_hash"
" FROM codeset.release_entry e JOIN codeset.release r ON r.release_id = e.release_id"
" WHERE r.superseded_by IS NULL AND r.unloaded_at IS NULL AND e.family = ANY ($1)"
"   AND e.family = ANY (r.covers)"
" ORDER BY e.kind COLLATE \"C\", e.key COLLATE \"C\", r.effective, r.release_id";

enum
{
	COL_KIND = 1, COL_KEY, COL_FAMILY, COL_RELEASE, COL_HAS_ATTRS,
	COL_ADD, COL_ACTION_DATE, COL_TERM, COL_ACTION_CODE, COL_ATTRS_HASH, COL_SHORT_HASH
};

/* A family's releases: a slice of the release list */
typedef struct FamilyReleases
{
	char	   *family;
	int			first;
	int			count;
} FamilyReleases;

typedef struct ReleaseList
{
	int32	   *ids;
	int32	   *dates;
	bool	   *is_record;
	FamilyReleases *families;
	int			nfamilies;
} ReleaseList;

static int32
date_col(HeapTuple tup, TupleDesc desc, int col, int32 if_null)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);

	return isnull ? if_null : DatumGetDateADT(d);
}

static bool
bool_col(HeapTuple tup, TupleDesc desc, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);

	return !isnull && DatumGetBool(d);
}

/* The text column equals the C string (without a copy per row) */
static bool
same_text(HeapTuple tup, TupleDesc desc, int col, const char *str)
{
	bool		isnull;
	text	   *t = DatumGetTextPP(SPI_getbinval(tup, desc, col, &isnull));
	size_t		len = VARSIZE_ANY_EXHDR(t);

	return !isnull && strlen(str) == len && memcmp(VARDATA_ANY(t), str, len) == 0;
}

/* What an entry says, into the source of its release */
static void
read_entry(HeapTuple tup, TupleDesc desc, HistorySource *s)
{
	bool		isnull;
	Datum		action_datum;

	s->listed = true;
	s->has_description = bool_col(tup, desc, COL_HAS_ATTRS);
	s->add_date = date_col(tup, desc, COL_ADD, HISTORY_DAY_MIN);
	s->action_date = date_col(tup, desc, COL_ACTION_DATE, HISTORY_DAY_MIN);
	s->term_date = date_col(tup, desc, COL_TERM, HISTORY_DAY_MAX);
	action_datum = SPI_getbinval(tup, desc, COL_ACTION_CODE, &isnull);
	if (!isnull)
	{
		text	   *action = DatumGetTextPP(action_datum);

		s->action_code = VARSIZE_ANY_EXHDR(action) > 0 ? VARDATA_ANY(action)[0] : ' ';
	}
	else
		s->action_code = ' ';
	s->attrs_hash = (uint64) DatumGetInt64(SPI_getbinval(tup, desc, COL_ATTRS_HASH, &isnull));
	s->short_hash = (uint64) DatumGetInt64(SPI_getbinval(tup, desc, COL_SHORT_HASH, &isnull));
}

static ReleaseList
read_releases(Datum families)
{
	Oid			argtypes[1] = {TEXTARRAYOID};
	Datum		args[1] = {families};
	ReleaseList list = {0};
	uint64		n;

	if (SPI_execute_with_args(releases_query, 1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "codeset: reading the releases failed");
	n = SPI_processed;
	list.ids = palloc((n + 1) * sizeof(int32));
	list.dates = palloc((n + 1) * sizeof(int32));
	list.is_record = palloc((n + 1) * sizeof(bool));
	list.families = palloc((n + 1) * sizeof(FamilyReleases));
	for (uint64 i = 0; i < n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *family = SPI_getvalue(tup, desc, 1);
		bool		isnull;

		if (list.nfamilies == 0 || strcmp(list.families[list.nfamilies - 1].family, family) != 0)
		{
			list.families[list.nfamilies].family = family;
			list.families[list.nfamilies].first = (int) i;
			list.families[list.nfamilies].count = 0;
			list.nfamilies++;
		}
		list.families[list.nfamilies - 1].count++;
		list.ids[i] = DatumGetInt32(SPI_getbinval(tup, desc, 2, &isnull));
		list.dates[i] = DatumGetDateADT(SPI_getbinval(tup, desc, 3, &isnull));
		list.is_record[i] = bool_col(tup, desc, 4);
	}
	return list;
}

static const FamilyReleases *
family_releases(const ReleaseList *list, const char *family)
{
	for (int i = 0; i < list->nfamilies; i++)
		if (strcmp(list->families[i].family, family) == 0)
			return &list->families[i];
	elog(ERROR, "codeset: an entry of family \"%s\" has no active release", family);
	return NULL;
}

/* A day as a date column: the infinities, and NULL where the period says so */
static Datum
day_datum(int32 day, bool *isnull, bool null_if, int32 null_day)
{
	*isnull = null_if && day == null_day;
	if (day == HISTORY_DAY_MIN)
		return DateADTGetDatum(DATEVAL_NOBEGIN);
	if (day == HISTORY_DAY_MAX)
		return DateADTGetDatum(DATEVAL_NOEND);
	return DateADTGetDatum(day);
}

static const char *
status_word(HistoryStatus s)
{
	return s == HISTORY_VALID ? "valid" : s == HISTORY_INVALID ? "not valid" : "undetermined";
}

typedef void (*emit_fn) (Tuplestorestate *store, TupleDesc desc, Datum kind, Datum key,
						 const HistorySource *src, const int32 *releases, int n);

static void
emit_periods(Tuplestorestate *store, TupleDesc desc, Datum kind, Datum key,
			 const HistorySource *src, const int32 *releases, int n)
{
	HistoryPeriod *p = palloc(history_max_periods(n) * sizeof(HistoryPeriod));
	int32	   *edges = palloc(history_scratch_days(n) * sizeof(int32));
	size_t		np = history_derive(src, n, p, edges);

	for (size_t i = 0; i < np; i++)
	{
		Datum		values[10];
		bool		nulls[10] = {false};

		values[0] = kind;
		values[1] = key;
		values[2] = Int32GetDatum((int32) i + 1);
		values[3] = day_datum(p[i].from, &nulls[3], false, 0);
		values[4] = day_datum(p[i].to, &nulls[4], true, HISTORY_DAY_MAX);
		values[5] = day_datum(p[i].possible_from, &nulls[5], true, p[i].from);
		values[6] = day_datum(p[i].possible_to, &nulls[6], true, p[i].to);
		values[7] = Int32GetDatum(p[i].record >= 0 ? releases[p[i].record] : 0);
		nulls[7] = p[i].record < 0;
		values[8] = Int32GetDatum(p[i].list >= 0 ? releases[p[i].list] : 0);
		nulls[8] = p[i].list < 0;
		values[9] = Int32GetDatum(p[i].dates >= 0 ? releases[p[i].dates] : 0);
		nulls[9] = p[i].dates < 0;
		tuplestore_putvalues(store, desc, values, nulls);
	}
	pfree(p);
	pfree(edges);
}

static void
emit_conflicts(Tuplestorestate *store, TupleDesc desc, Datum kind, Datum key,
			   const HistorySource *src, const int32 *releases, int n)
{
	HistoryConflict *c = palloc(history_max_periods(n) * sizeof(HistoryConflict));
	int32	   *edges = palloc(history_scratch_days(n) * sizeof(int32));
	size_t		nc = history_conflicts(src, n, c, edges);

	for (size_t i = 0; i < nc; i++)
	{
		Datum		values[8];
		bool		nulls[8] = {false};

		values[0] = kind;
		values[1] = key;
		values[2] = day_datum(c[i].from, &nulls[2], false, 0);
		values[3] = day_datum(c[i].to, &nulls[3], true, HISTORY_DAY_MAX);
		values[4] = Int32GetDatum(releases[c[i].record]);
		values[5] = CStringGetTextDatum(status_word(c[i].record_says));
		values[6] = Int32GetDatum(releases[c[i].snapshot]);
		values[7] = CStringGetTextDatum(status_word(c[i].snapshot_says));
		tuplestore_putvalues(store, desc, values, nulls);
	}
	pfree(c);
	pfree(edges);
}

/*
 * Reads the releases and their entries, builds each code's sources (one per
 * release of its family, listing the code or not) and hands them to emit.
 */
static void
derive_each(FunctionCallInfo fcinfo, emit_fn emit)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			argtypes[1] = {TEXTARRAYOID};
	Datum		args[1] = {PG_GETARG_DATUM(0)};
	MemoryContext per_code;
	ReleaseList releases;
	SPITupleTable *entries;
	uint64		nentries,
				i = 0;

	InitMaterializedSRF(fcinfo, 0);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "codeset: SPI_connect failed");
	releases = read_releases(args[0]);
	if (SPI_execute_with_args(entries_query, 1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "codeset: reading the releases' entries failed");
	entries = SPI_tuptable;
	nentries = SPI_processed;
	per_code = AllocSetContextCreate(CurrentMemoryContext, "codeset derivation",
									 ALLOCSET_DEFAULT_SIZES);
	while (i < nentries)
	{
		TupleDesc	desc = entries->tupdesc;
		MemoryContext spi_context = MemoryContextSwitchTo(per_code);
		HeapTuple	first = entries->vals[i];
		char	   *kind = SPI_getvalue(first, desc, COL_KIND);
		char	   *key = SPI_getvalue(first, desc, COL_KEY);
		const FamilyReleases *fam = family_releases(&releases, SPI_getvalue(first, desc, COL_FAMILY));
		HistorySource *src = palloc0(fam->count * sizeof(HistorySource));
		int32	   *ids = &releases.ids[fam->first];
		int			r = 0;

		CHECK_FOR_INTERRUPTS();
		for (int k = 0; k < fam->count; k++)
		{
			src[k].date = releases.dates[fam->first + k];
			src[k].is_record = releases.is_record[fam->first + k];
			src[k].term_date = HISTORY_DAY_MAX;
			src[k].add_date = src[k].action_date = HISTORY_DAY_MIN;
		}
		/* the code's entries come in the order of its family's releases */
		for (; i < nentries; i++)
		{
			HeapTuple	tup = entries->vals[i];
			bool		isnull;
			int32		id;

			if (!same_text(tup, desc, COL_KEY, key) || !same_text(tup, desc, COL_KIND, kind))
				break;
			id = DatumGetInt32(SPI_getbinval(tup, desc, COL_RELEASE, &isnull));
			while (r < fam->count && ids[r] != id)
				r++;
			if (r == fam->count)
				elog(ERROR, "codeset: entries of \"%s\" are not in release order", key);
			read_entry(tup, desc, &src[r]);
		}
		/* the tuplestore copies each row into its own memory */
		emit(rsinfo->setResult, rsinfo->setDesc, CStringGetTextDatum(kind),
			 CStringGetTextDatum(key), src, ids, fam->count);
		MemoryContextSwitchTo(spi_context);
		MemoryContextReset(per_code);
	}
	SPI_finish();
}

Datum
codeset_derived_periods(PG_FUNCTION_ARGS)
{
	derive_each(fcinfo, emit_periods);
	return (Datum) 0;
}

Datum
codeset_source_conflicts(PG_FUNCTION_ARGS)
{
	derive_each(fcinfo, emit_conflicts);
	return (Datum) 0;
}
