/*
 * descriptions.c: describe(code, date), answered from a per-backend copy of
 * the history's short descriptions.
 *
 * describe() runs once per row over claim tables, like valid(): a query of
 * the history per call cost about 20 us, so describing a column of a
 * million codes took 20 s.  Each backend keeps, built on its first
 * describe(), every period's code, dates and short description, sorted by
 * code and start: a call is a binary search and a walk over the code's few
 * periods.  The copy is rebuilt whenever the validity cache is (validity.c
 * says when: after a load, under a transaction snapshot), so both answer
 * from the same loads.  About 1 MB for the shipped tables.
 */
#include "postgres.h"

#include "citus_nodes.h"

#include "medcode_io.h"
#include "validity.h"

#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(medcode_describe);

typedef struct DescribedPeriod
{
	int32		code;
	DateADT		from;			/* NULL in the table: never begun (DATEVAL_NOEND) */
	DateADT		to;				/* NULL in the table: open (DATEVAL_NOEND) */
	const char *description;	/* NULL when the period has none */
} DescribedPeriod;

typedef struct DescriptionCache
{
	MemoryContext context;
	uint64		build;			/* the validity cache build it matches; 0: none */
	DescribedPeriod *periods;	/* sorted by code, then from */
	int			n;
} DescriptionCache;

static DescriptionCache descriptions;

static void
rebuild_descriptions(uint64 build)
{
	SPITupleTable *tab;
	int			citus_level;

	if (descriptions.context == NULL)
		descriptions.context = AllocSetContextCreate(TopMemoryContext, "codeset description cache",
													 ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(descriptions.context);
	descriptions.build = 0;
	descriptions.n = 0;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "codeset: SPI_connect failed");
	citus_level = citus_reads_begin();	/* describe() may run in a shard query */
	if (SPI_execute("SELECT h.code, h.valid_from, h.valid_to, h.short_description "
					"FROM codeset.code_history h ORDER BY h.code, h.valid_from, h.period",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "codeset: description cache query failed");
	tab = SPI_tuptable;
	/* SPI leaves its own context current: allocate in the cache's explicitly */
	descriptions.periods = MemoryContextAlloc(descriptions.context,
											  Max(SPI_processed, 1) * sizeof(DescribedPeriod));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = tab->vals[i];
		DescribedPeriod *p = &descriptions.periods[i];
		bool		isnull;
		Datum		d;

		CHECK_FOR_INTERRUPTS();	/* as many rows as the history has */
		d = SPI_getbinval(tup, tab->tupdesc, 1, &isnull);
		if (isnull)
			elog(ERROR, "codeset: the code history has a row without a code");
		p->code = medcode_checked(DatumGetMedcode(d));
		d = SPI_getbinval(tup, tab->tupdesc, 2, &isnull);
		p->from = isnull ? DATEVAL_NOEND : DatumGetDateADT(d);
		d = SPI_getbinval(tup, tab->tupdesc, 3, &isnull);
		p->to = isnull ? DATEVAL_NOEND : DatumGetDateADT(d);
		d = SPI_getbinval(tup, tab->tupdesc, 4, &isnull);
		p->description = isnull ? NULL
			: MemoryContextStrdup(descriptions.context, TextDatumGetCString(d));
		if (i > 0 && p->code < descriptions.periods[i - 1].code)
			elog(ERROR, "codeset: description cache query returned code %d out of order", p->code);
	}
	descriptions.n = (int) SPI_processed;
	citus_reads_end(citus_level);
	SPI_finish();
	descriptions.build = build;
}

/* The first period of code, or n when it has none */
static int
first_period(int32 code)
{
	int			lo = 0,
				hi = descriptions.n;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (descriptions.periods[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * describe(medcode, date): the short description of the period in force on
 * the date, else of the latest period that began before it; NULL when none
 * began by then or it has no description.
 */
Datum
medcode_describe(PG_FUNCTION_ARGS)
{
	int32		code = medcode_checked(PG_GETARG_MEDCODE(0));
	DateADT		day = PG_GETARG_DATEADT(1);
	uint64		build = validity_cache_fresh_build();
	int			in_force = -1,
				began = -1;

	if (descriptions.build != build)
		rebuild_descriptions(build);
	for (int i = first_period(code); i < descriptions.n && descriptions.periods[i].code == code; i++)
	{
		const DescribedPeriod *p = &descriptions.periods[i];

		if (p->from == DATEVAL_NOEND || p->from > day)
			break;				/* sorted by start: none later began by then */
		began = i;
		if (p->to >= day)
			in_force = i;
	}
	if (in_force >= 0)
		began = in_force;
	if (began < 0 || descriptions.periods[began].description == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(descriptions.periods[began].description));
}
