/*
 * named_sets.c: in_set(code, name) and in_set(text, name), membership in a
 * set of codeset.code_set by name.
 *
 * The set is read (SPI) into fn_extra once per name and view of the table;
 * each row is then a binary search.  An unknown name raises an error that
 * lists the nearest names (for a name of set-name length).
 */
#include "postgres.h"

#include "citus_nodes.h"

#include "medcode_io.h"
#include "medcodeset_io.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "storage/proc.h"
#include "utils/snapmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/varlena.h"

PG_FUNCTION_INFO_V1(medcode_in_named_set);
PG_FUNCTION_INFO_V1(text_in_named_set);

/*
 * Which rows of codeset.code_set a lookup sees: the active snapshot (the
 * transactions it counts as running, and this transaction's command) and
 * the subtransaction.  A call site outlives a statement in PL/pgSQL (a
 * simple expression keeps its call site for the whole transaction), so the
 * cached set holds only while all of these are the same: another session's
 * commit changes the snapshot, and a rolled-back savepoint the
 * subtransaction.
 */
typedef struct TableView
{
	LocalTransactionId lxid;
	SubTransactionId subxid;
	CommandId	curcid;
	TransactionId xmin;
	TransactionId xmax;
	uint32		xcnt;
	int32		subxcnt;
	bool		suboverflowed;
	TransactionId *xids;		/* xip, then subxip */
} TableView;

/* Per call site: the set last read, for which name, under which view */
typedef struct NamedSetCache
{
	char	   *name;
	MedcodeSet *set;
	TableView	view;
} NamedSetCache;

static bool
view_is_current(const TableView *v)
{
	Snapshot	snap;

	if (!ActiveSnapshotSet())
		return false;
	snap = GetActiveSnapshot();
	return v->lxid == CurrentLocalTransactionId() && v->subxid == GetCurrentSubTransactionId() &&
		v->curcid == snap->curcid && v->xmin == snap->xmin && v->xmax == snap->xmax &&
		v->xcnt == snap->xcnt && v->subxcnt == snap->subxcnt &&
		v->suboverflowed == snap->suboverflowed &&
		(snap->xcnt == 0 ||
		 memcmp(v->xids, snap->xip, snap->xcnt * sizeof(TransactionId)) == 0) &&
		(snap->subxcnt <= 0 ||
		 memcmp(v->xids + snap->xcnt, snap->subxip, snap->subxcnt * sizeof(TransactionId)) == 0);
}

/* Remember the current view in v (its xids in mcxt); none if no snapshot */
static void
view_capture(TableView *v, MemoryContext mcxt)
{
	Snapshot	snap;
	int			n;

	if (v->xids)
		pfree(v->xids);
	memset(v, 0, sizeof(*v));
	if (!ActiveSnapshotSet())
		return;					/* lxid 0 never matches: no cache */
	snap = GetActiveSnapshot();
	n = snap->xcnt + Max(snap->subxcnt, 0);
	v->lxid = CurrentLocalTransactionId();
	v->subxid = GetCurrentSubTransactionId();
	v->curcid = snap->curcid;
	v->xmin = snap->xmin;
	v->xmax = snap->xmax;
	v->xcnt = snap->xcnt;
	v->subxcnt = snap->subxcnt;
	v->suboverflowed = snap->suboverflowed;
	v->xids = MemoryContextAlloc(mcxt, Max(n, 1) * sizeof(TransactionId));
	if (snap->xcnt > 0)
		memcpy(v->xids, snap->xip, snap->xcnt * sizeof(TransactionId));
	if (snap->subxcnt > 0)
		memcpy(v->xids + snap->xcnt, snap->subxip, snap->subxcnt * sizeof(TransactionId));
}

/*
 * Names longer than this get no nearest names, and an unknown one is shown
 * cut to this length: set names are short, and an edit distance costs the
 * product of the two lengths in time and their sum in memory.
 */
#define NEAREST_NAME_MAX 64

/*
 * The up to three names nearest to name, for the error's hint ("" when no
 * name of the table is short enough to compare), and how many names the
 * table holds.  name is at most NEAREST_NAME_MAX bytes.
 */
static char *
nearest_names(const char *name, uint64 *nnames)
{
	StringInfoData out;
	int			best[3] = {INT_MAX, INT_MAX, INT_MAX};
	char	   *best_name[3] = {NULL, NULL, NULL};
	int			name_len = (int) strlen(name);

	/* a long name comes back NULL: never copied, never compared */
	if (SPI_execute("SELECT CASE WHEN pg_catalog.octet_length(name) OPERATOR(pg_catalog.<=) "
					CppAsString2(NEAREST_NAME_MAX) " THEN name END FROM codeset.code_set",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "codeset: could not read codeset.code_set");
	*nnames = SPI_processed;
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		char	   *candidate = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		int			d;

		CHECK_FOR_INTERRUPTS();
		if (candidate == NULL)
			continue;
		/* past the third nearest so far, the exact distance does not matter */
		d = varstr_levenshtein_less_equal(name, name_len, candidate, (int) strlen(candidate),
										  1, 1, 1, best[2] == INT_MAX ? -1 : best[2], true);
		for (int k = 0; k < 3; k++)
			if (d < best[k])
			{
				for (int m = 2; m > k; m--)
				{
					best[m] = best[m - 1];
					best_name[m] = best_name[m - 1];
				}
				best[k] = d;
				best_name[k] = candidate;
				break;
			}
	}
	initStringInfo(&out);
	for (int k = 0; k < 3 && best_name[k]; k++)
		appendStringInfo(&out, "%s\"%s\"", k ? ", " : "", best_name[k]);
	return out.data;
}

codeset_noreturn static void report_unknown_name(const char *name);

/* The error for a name no row has */
static void
report_unknown_name(const char *name)
{
	int			len = (int) strlen(name);
	char	   *near;
	uint64		nnames;

	if (len > NEAREST_NAME_MAX)
	{
		int			shown = pg_mbcliplen(name, len, NEAREST_NAME_MAX);

		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("code set \"%.*s...\" does not exist", shown, name),
				 errdetail("The name has %d characters; the message shows the first %d.",
						   pg_mbstrlen_with_len(name, len), pg_mbstrlen_with_len(name, shown)),
				 errhint("The names are listed in codeset.code_set.")));
	}
	near = nearest_names(name, &nnames);
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("code set \"%s\" does not exist", name),
			 near[0] ? errhint("The nearest names in codeset.code_set are %s.", near)
			 : nnames == 0 ? errhint("codeset.code_set is empty.")
			 : errhint("The names are listed in codeset.code_set.")));
}

static MedcodeSet *
lookup_set(const char *name, MemoryContext mcxt)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(name)};
	MedcodeSet *result = NULL;
	bool		isnull;
	int			citus_level;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "codeset: SPI_connect failed");
	citus_level = citus_reads_begin();	/* in_set() may run in a shard query */
	if (SPI_execute_with_args("SELECT codes FROM codeset.code_set WHERE name OPERATOR(pg_catalog.=) $1", 1, argtypes,
							  values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "codeset: could not read codeset.code_set");
	if (SPI_processed == 0)
		report_unknown_name(name);
	{
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
		{
			MedcodeSet *set = DatumGetMedcodeSetP(d);

			result = MemoryContextAlloc(mcxt, VARSIZE(set));
			memcpy(result, set, VARSIZE(set));
		}
	}
	citus_reads_end(citus_level);
	SPI_finish();
	return result;
}

/* The named set for this call site, read again when the name or the view changed */
static const MedcodeSet *
call_site_set(FunctionCallInfo fcinfo)
{
	text	   *name_text = PG_GETARG_TEXT_PP(1);
	NamedSetCache *c = (NamedSetCache *) fcinfo->flinfo->fn_extra;
	char	   *name = text_to_cstring(name_text);

	if (c == NULL || strcmp(c->name, name) != 0 || !view_is_current(&c->view))
	{
		MemoryContext mcxt = fcinfo->flinfo->fn_mcxt;
		MedcodeSet *set = lookup_set(name, mcxt);	/* may raise: publish after */
		char	   *name_copy = MemoryContextStrdup(mcxt, name);

		if (c == NULL)
			c = MemoryContextAllocZero(mcxt, sizeof(NamedSetCache));
		else
		{
			if (c->name)
				pfree(c->name);
			if (c->set)
				pfree(c->set);
		}
		c->set = set;
		c->name = name_copy;
		view_capture(&c->view, mcxt);
		fcinfo->flinfo->fn_extra = c;
	}
	pfree(name);
	return c->set;
}

Datum
medcode_in_named_set(PG_FUNCTION_ARGS)
{
	int32		code = PG_GETARG_MEDCODE(0);
	const MedcodeSet *set = call_site_set(fcinfo);

	if (set == NULL)
		PG_RETURN_NULL();
	PG_RETURN_BOOL(medcodeset_contains(set->ranges, set->nranges, code));
}

/*
 * in_set(text, name): on raw text, as valid(text) is.  Text that is not a
 * code is in no set (false); the name is checked all the same, so that a
 * misspelt name is an error on a column of dirt too.
 */
Datum
text_in_named_set(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const MedcodeSet *set = call_site_set(fcinfo);
	int32		code;

	if (!medcode_parse_or_report(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &code, false))
		PG_RETURN_BOOL(false);
	if (set == NULL)
		PG_RETURN_NULL();
	PG_RETURN_BOOL(medcodeset_contains(set->ranges, set->nranges, code));
}
