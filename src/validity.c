/*
 * validity.c: valid(), invalid_reason() and valid_modifier(), answered from
 * a per-backend cache of the code tables.
 *
 * These run once per row over claim tables, so they must not query the
 * tables each call.  Each backend keeps, in its own memory context, every
 * code's current periods in a compressed-row layout indexed by the medcode
 * value (one int32 offset per possible code plus 16 bytes per period: well
 * under 2 MB for every shipped table), the families some release covers,
 * and the modifiers' periods.
 *
 * Freshness: every load ends with codeset.invalidate_cache(), which queues a
 * relcache invalidation of codeset.release.  PostgreSQL delivers it to
 * every backend at its next transaction start (and to the loading backend
 * at its next command), where our callback marks the cache stale; the next
 * call rebuilds it under the current snapshot.  A cache built under a
 * transaction snapshot (REPEATABLE READ, SERIALIZABLE) may be older than
 * the data, so it serves that transaction only.
 */
#include "codeset.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(medcode_valid_today);
PG_FUNCTION_INFO_V1(medcode_valid_on);
PG_FUNCTION_INFO_V1(text_valid_today);
PG_FUNCTION_INFO_V1(text_valid_on);
PG_FUNCTION_INFO_V1(text_invalid_reason);
PG_FUNCTION_INFO_V1(medcode_invalid_reason);
PG_FUNCTION_INFO_V1(modifier_valid_on);
PG_FUNCTION_INFO_V1(codeset_invalidate_cache);
PG_FUNCTION_INFO_V1(codeset_cache_size);
PG_FUNCTION_INFO_V1(codeset_modifier_slot);
PG_FUNCTION_INFO_V1(medcode_code_family);

/* Families: 0 = five digits, 1-5 = suffixes A F M T U, 6-25 = Level II letters */
#define MEDCODE_FAMILIES 26
/* Modifiers: two characters of [0-9A-Z] */
#define MODIFIER_SLOTS (36 * 36)

typedef struct Period
{
	DateADT		from;			/* first day in force for certain */
	DateADT		to;				/* last day in force for certain (DATEVAL_NOEND: open) */
	DateADT		possible_from;	/* == from when the start is known */
	DateADT		possible_to;	/* == to when the end is known */
} Period;

typedef struct PeriodIndex
{
	int32	   *first;			/* nkeys + 1 offsets into periods */
	Period	   *periods;
	int			nperiods;
} PeriodIndex;

typedef struct ValidityCache
{
	MemoryContext context;
	bool		valid;
	bool		xact_scoped;	/* built under a transaction snapshot */
	LocalTransactionId lxid;
	Oid			release_relid;
	bool		family_loaded[MEDCODE_FAMILIES];
	bool		modifiers_loaded;
	PeriodIndex codes;
	PeriodIndex modifiers;
	Size		bytes;
} ValidityCache;

static ValidityCache cache;

/* What the tables say of a code on a day. */
typedef enum CodeStatus
{
	STATUS_ACTIVE,
	STATUS_NOT_LOADED,			/* no release covers its family: NULL */
	STATUS_UNKNOWN,				/* in no table */
	STATUS_NOT_YET,				/* before its first period */
	STATUS_TERMINATED,			/* after a period, in none */
	STATUS_UNDETERMINED			/* in a window the sources leave open: NULL */
} CodeStatus;

static const char *const status_keyword[] = {
	NULL, "not loaded", "unknown", "not yet effective", "terminated", "undetermined"
};

static int
medcode_family_index(int32 v)
{
	if (v < MEDCODE_SUFFIX_FIRST)
		return 0;
	if (v < MEDCODE_LEVEL2_FIRST)
		return 1 + (v - MEDCODE_SUFFIX_FIRST) / MEDCODE_BLOCK;
	return 6 + (v - MEDCODE_LEVEL2_FIRST) / MEDCODE_BLOCK;
}

static const char *const family_names[MEDCODE_FAMILIES] = {
	"NNNNN", "NNNNA", "NNNNF", "NNNNM", "NNNNT", "NNNNU",
	"A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "Q", "R", "S", "T", "U", "V"
};

static int
modifier_slot(const char *s, size_t len)
{
	int			slot = 0;

	if (len != 2)
		return -1;
	for (int i = 0; i < 2; i++)
	{
		char		c = s[i];
		int			d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'A' && c <= 'Z')
			d = 10 + c - 'A';
		else if (c >= 'a' && c <= 'z')
			d = 10 + c - 'a';
		else
			return -1;
		slot = slot * 36 + d;
	}
	return slot;
}

static void
relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == cache.release_relid)
		cache.valid = false;
}

void
codeset_validity_init(void)
{
	CacheRegisterRelcacheCallback(relcache_callback, (Datum) 0);
}

static Oid
release_relid(bool missing_ok)
{
	Oid			nsp = get_namespace_oid("codeset", missing_ok);

	return OidIsValid(nsp) ? get_relname_relid("release", nsp) : InvalidOid;
}

static DateADT
date_or(HeapTuple tup, TupleDesc desc, int col, DateADT if_null)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);

	return isnull ? if_null : DatumGetDateADT(d);
}

/*
 * Fill an index of nkeys slots from a query returning (key int, valid_from,
 * valid_to, possible_from, possible_to) ordered by key and period.
 */
static void
load_periods(PeriodIndex *index, int nkeys, const char *query)
{
	SPITupleTable *tab;
	uint64		n;
	int32		slot = 0;

	if (SPI_execute(query, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "codeset: cache query failed: %s", query);
	tab = SPI_tuptable;
	n = SPI_processed;

	/* SPI leaves its own context current: allocate in the cache's explicitly */
	index->first = MemoryContextAlloc(cache.context, (nkeys + 1) * sizeof(int32));
	index->periods = MemoryContextAlloc(cache.context, Max(n, 1) * sizeof(Period));
	index->nperiods = (int) n;
	for (uint64 i = 0; i < n; i++)
	{
		HeapTuple	tup = tab->vals[i];
		bool		isnull;
		int32		key = DatumGetInt32(SPI_getbinval(tup, tab->tupdesc, 1, &isnull));
		Period	   *p = &index->periods[i];

		if (isnull || key < 0 || key >= nkeys || key < slot - 1)
			elog(ERROR, "codeset: cache query returned key %d out of order", key);
		while (slot <= key)
			index->first[slot++] = (int32) i;
		p->from = date_or(tup, tab->tupdesc, 2, DATEVAL_NOBEGIN);
		p->to = date_or(tup, tab->tupdesc, 3, DATEVAL_NOEND);
		p->possible_from = date_or(tup, tab->tupdesc, 4, p->from);
		p->possible_to = date_or(tup, tab->tupdesc, 5, p->to);
	}
	while (slot <= nkeys)
		index->first[slot++] = (int32) n;
}

static void
rebuild_cache(void)
{
	Oid			relid = release_relid(false);

	if (cache.context == NULL)
		cache.context = AllocSetContextCreate(TopMemoryContext, "codeset validity cache",
											  ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(cache.context);
	cache.valid = false;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "codeset: SPI_connect failed");

	memset(cache.family_loaded, 0, sizeof(cache.family_loaded));
	cache.modifiers_loaded = false;
	if (SPI_execute("SELECT DISTINCT f FROM codeset.release r, pg_catalog.unnest(r.covers) f",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "codeset: cache query on codeset.release failed");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		char	   *f = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);

		if (strcmp(f, "modifier") == 0)
			cache.modifiers_loaded = true;
		for (int k = 0; k < MEDCODE_FAMILIES; k++)
			if (strcmp(f, family_names[k]) == 0)
				cache.family_loaded[k] = true;
	}

	load_periods(&cache.codes, MEDCODE_COUNT,
				 "SELECT codeset.medcode_slot(h.code), h.valid_from, h.valid_to, h.possible_from, h.possible_to "
				 "FROM codeset.code_history h ORDER BY 1, h.period");
	load_periods(&cache.modifiers, MODIFIER_SLOTS,
				 "SELECT codeset.modifier_slot(h.modifier), h.valid_from, h.valid_to, h.possible_from, h.possible_to "
				 "FROM codeset.modifier_history h ORDER BY 1, h.period");

	SPI_finish();

	cache.bytes = MemoryContextMemAllocated(cache.context, true);
	cache.release_relid = relid;
	cache.xact_scoped = IsolationUsesXactSnapshot();
	cache.lxid = MyProc->lxid;
	cache.valid = true;
}

static ValidityCache *
get_cache(void)
{
	if (!cache.valid || (cache.xact_scoped && cache.lxid != MyProc->lxid))
		rebuild_cache();
	return &cache;
}

static CodeStatus
period_status(const PeriodIndex *index, int slot, DateADT day, const Period **hit)
{
	int			lo = index->first[slot],
				hi = index->first[slot + 1];
	bool		undetermined = false;

	*hit = NULL;
	if (lo == hi)
		return STATUS_UNKNOWN;
	for (int i = lo; i < hi; i++)
	{
		const Period *p = &index->periods[i];

		if (day >= p->from && day <= p->to)
		{
			*hit = p;
			return STATUS_ACTIVE;
		}
		if (day >= p->possible_from && day <= p->possible_to)
			undetermined = true;
	}
	if (undetermined)
		return STATUS_UNDETERMINED;
	return day < index->periods[lo].from ? STATUS_NOT_YET : STATUS_TERMINATED;
}

static CodeStatus
code_status(int32 code, DateADT day)
{
	ValidityCache *c = get_cache();
	const Period *hit;

	if (!c->family_loaded[medcode_family_index(medcode_checked(code))])
		return STATUS_NOT_LOADED;
	return period_status(&c->codes, code, day, &hit);
}

static Datum
status_result(FunctionCallInfo fcinfo, CodeStatus s)
{
	if (s == STATUS_NOT_LOADED || s == STATUS_UNDETERMINED)
		PG_RETURN_NULL();
	PG_RETURN_BOOL(s == STATUS_ACTIVE);
}

static DateADT
today(void)
{
	return GetSQLCurrentDate();
}

Datum
medcode_valid_today(PG_FUNCTION_ARGS)
{
	return status_result(fcinfo, code_status(PG_GETARG_MEDCODE(0), today()));
}

Datum
medcode_valid_on(PG_FUNCTION_ARGS)
{
	return status_result(fcinfo, code_status(PG_GETARG_MEDCODE(0), PG_GETARG_DATEADT(1)));
}

/* valid(text): malformed text is simply not valid */
static Datum
text_valid(FunctionCallInfo fcinfo, DateADT day)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int32		code;

	if (!medcode_parse_or_report(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &code, false))
		PG_RETURN_BOOL(false);
	return status_result(fcinfo, code_status(code, day));
}

Datum
text_valid_today(PG_FUNCTION_ARGS)
{
	return text_valid(fcinfo, today());
}

Datum
text_valid_on(PG_FUNCTION_ARGS)
{
	return text_valid(fcinfo, PG_GETARG_DATEADT(1));
}

static Datum
reason_result(CodeStatus s)
{
	if (s == STATUS_ACTIVE)
		return (Datum) 0;
	return CStringGetTextDatum(status_keyword[s]);
}

Datum
text_invalid_reason(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int32		code;
	CodeStatus	s;

	if (!medcode_parse_or_report(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &code, false))
		PG_RETURN_TEXT_P(cstring_to_text("malformed"));
	s = code_status(code, PG_GETARG_DATEADT(1));
	if (s == STATUS_ACTIVE)
		PG_RETURN_NULL();
	return reason_result(s);
}

Datum
medcode_invalid_reason(PG_FUNCTION_ARGS)
{
	CodeStatus	s = code_status(PG_GETARG_MEDCODE(0), PG_GETARG_DATEADT(1));

	if (s == STATUS_ACTIVE)
		PG_RETURN_NULL();
	return reason_result(s);
}

/*
 * valid_modifier(text, date): HCPCS Level II modifiers from the loaded CMS
 * files.  Modifiers that start with a digit (25, 59, 1P) are CPT's, which no
 * CMS file carries: NULL, as for any system with no loaded table.
 */
Datum
modifier_valid_on(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(t);
	size_t		len = VARSIZE_ANY_EXHDR(t);
	ValidityCache *c;
	const Period *hit;
	int			slot;

	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	slot = modifier_slot(s, len);
	if (slot < 0)
		PG_RETURN_BOOL(false);
	if (s[0] >= '0' && s[0] <= '9')
		PG_RETURN_NULL();
	c = get_cache();
	if (!c->modifiers_loaded)
		PG_RETURN_NULL();
	return status_result(fcinfo, period_status(&c->modifiers, slot, PG_GETARG_DATEADT(1), &hit));
}

/* The cache's slot of a modifier (base 36), or NULL for no modifier. */
Datum
codeset_modifier_slot(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int			slot = modifier_slot(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));

	if (slot < 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(slot);
}

/* code_family(medcode): the family a release covers the code by */
Datum
medcode_code_family(PG_FUNCTION_ARGS)
{
	int32		v = medcode_checked(PG_GETARG_MEDCODE(0));

	PG_RETURN_TEXT_P(cstring_to_text(family_names[medcode_family_index(v)]));
}

Datum
codeset_invalidate_cache(PG_FUNCTION_ARGS)
{
	Oid			relid = release_relid(true);

	if (OidIsValid(relid))
		CacheInvalidateRelcacheByRelid(relid);
	PG_RETURN_VOID();
}

/* Bytes this backend's cache holds (building it if need be). */
Datum
codeset_cache_size(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64((int64) get_cache()->bytes);
}
