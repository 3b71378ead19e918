/*
 * validity.c: valid(), invalid_reason() and valid_modifier(), answered from
 * a per-backend cache of the code tables.
 *
 * These run once per row over claim tables, so they must not query the
 * tables each call, and what they read per row must stay in the CPU's
 * caches.  Each backend keeps, in its own memory context:
 *  - per possible code, its answers over all days as a 64-bit timeline
 *    (day_timeline.h), so that valid(code, day) is two loads and three
 *    compares: codes share few distinct timelines, so each code holds a
 *    16-bit index (0.7 MB) into a table of the distinct ones (a few KB);
 *  - a bitmap of the codes that have a history (43 KB) with a rank per
 *    64-bit word, mapping a code to a dense slot, and per slot its current
 *    periods (16 bytes each): what invalid_reason() reads, and valid() for
 *    a code whose answers do not fit a timeline;
 *  - for the current date, each code's answer in two bits (88 KB), so that
 *    valid(code) is one lookup;
 *  - the families some release covers, and the modifiers' periods.
 * About 1.1 MB for the shipped tables.  A backend reads all of it from the
 * image the last load stored (validity_image.c) when that image is of the
 * tables its snapshot sees, and builds it from the tables otherwise.
 *
 * Freshness: every load ends with codeset.invalidate_cache(), which queues a
 * relcache invalidation of codeset.release.  PostgreSQL delivers it to
 * every backend at its next transaction start (and to the loading backend
 * at its next command), where our callback marks the cache stale; the next
 * call rebuilds it under the current snapshot.  A cache built under a
 * transaction snapshot (REPEATABLE READ, SERIALIZABLE), or in a transaction
 * that took in an invalidation (possibly mid-statement, after its snapshot
 * was taken), may be older than the data, so it serves that transaction
 * only.
 *
 * On a Citus node the tables are reference tables (citus_nodes.h): a load
 * on the coordinator writes each node's copy in its distributed
 * transaction, but sends no invalidation to the other nodes.  There a cache
 * serves one transaction; the next first checks the release state of this
 * node's copy (one scan of the release rows) and rebuilds if it moved.
 */
#include "postgres.h"

#include "citus_nodes.h"
#include "claim_line.h"
#include "day_timeline.h"
#include "medcode_io.h"
#include "validity.h"
#include "validity_cache.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "pgtime.h"
#include "utils/timestamp.h"
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
PG_FUNCTION_INFO_V1(codeset_cache_built_from);


static ValidityCache cache;

/* Bumped by every invalidation: a rebuild that saw one happen may be stale. */
static uint64 invalidations = 0;

/* Bumped by every rebuild: the description cache follows it */
static uint64 builds = 0;

/* The transaction that took in the last invalidation */
static LocalTransactionId invalidated_in = InvalidLocalTransactionId;

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

static void
relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == cache.release_relid)
	{
		cache.valid = false;
		invalidations++;
		invalidated_in = MyProc ? CurrentLocalTransactionId() : InvalidLocalTransactionId;
	}
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

/* The key of a code row: the medcode datum is the code's value. */
static int32
code_key(Datum d)
{
	return medcode_checked(DatumGetMedcode(d));
}

/* The key of a modifier row: its slot, or -1 (refused by load_periods) */
static int32
modifier_key(Datum d)
{
	text	   *t = DatumGetTextPP(d);

	return modifier_slot(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/*
 * Fill an index from a query returning (key, valid_from, valid_to,
 * possible_from, possible_to) ordered by key_of(key) and period.  With known
 * (the codes), keys become dense slots in key order and set their bit;
 * without, the key is the slot (modifiers, nkeys of them).
 */
static void
load_periods(MemoryContext context, PeriodIndex *index, int nkeys, uint64 *known,
			 int32 (*key_of) (Datum), const char *query)
{
	SPITupleTable *tab;
	uint64		n;
	int32		slot = 0;
	int32		last_key = -1;

	if (SPI_execute(query, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "codeset: cache query failed: %s", query);
	tab = SPI_tuptable;
	n = SPI_processed;

	/* SPI leaves its own context current: allocate in the cache's explicitly */
	index->first = MemoryContextAlloc(context, ((known ? n : nkeys) + 1) * sizeof(int32));
	index->periods = MemoryContextAlloc(context, Max(n, 1) * sizeof(Period));
	for (uint64 i = 0; i < n; i++)
	{
		HeapTuple	tup = tab->vals[i];
		bool		isnull;
		Datum		d = SPI_getbinval(tup, tab->tupdesc, 1, &isnull);
		int32		key = isnull ? -1 : key_of(d);
		Period	   *p = &index->periods[i];

		if (isnull || key < 0 || key >= nkeys || key < last_key)
			elog(ERROR, "codeset: cache query returned key %d out of order", key);
		if (known == NULL)
		{
			while (slot <= key)
				index->first[slot++] = (int32) i;
		}
		else if (key != last_key)
		{
			known[key / 64] |= UINT64CONST(1) << (key % 64);
			index->first[slot++] = (int32) i;
		}
		last_key = key;
		p->from = date_or(tup, tab->tupdesc, 2, DATEVAL_NOBEGIN);
		p->to = date_or(tup, tab->tupdesc, 3, DATEVAL_NOEND);
		p->possible_from = date_or(tup, tab->tupdesc, 4, p->from);
		p->possible_to = date_or(tup, tab->tupdesc, 5, p->to);
	}
	if (known == NULL)
		while (slot <= nkeys)
			index->first[slot++] = (int32) n;
	else
		index->first[slot] = (int32) n;
	index->nslots = known ? slot : nkeys;
}

/* The dense slot of a code with a history, or -1. */
static inline int
code_slot(const ValidityCache *c, int32 code)
{
	uint64		word = c->known[code / 64];
	uint64		bit = UINT64CONST(1) << (code % 64);

	if ((word & bit) == 0)
		return -1;
	return (int) (c->rank[code / 64] + pg_popcount64(word & (bit - 1)));
}

static void fill_timelines(ValidityCache *c);

/*
 * The tables are found by name, under the newest catalog, but read under
 * the statement's snapshot: after DROP and CREATE EXTENSION committed while
 * the statement ran, that snapshot sees none of the new tables' rows, and
 * every answer would silently be NULL.  Such a statement must be run again.
 */
static void
check_tables_visible(Oid relid)
{
	Datum		arg = ObjectIdGetDatum(relid);
	Oid			argtype = OIDOID;

	if (SPI_execute_with_args("SELECT 1 FROM pg_catalog.pg_class WHERE oid = $1",
							  1, &argtype, &arg, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "codeset: cache query on pg_class failed");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("the codeset extension was created again after this statement's snapshot was taken"),
				 errdetail("DROP EXTENSION and CREATE EXTENSION codeset committed while it ran; its snapshot sees no row of the new code tables."),
				 errhint("Run the statement again.")));
}

void
validity_cache_build_from_tables(ValidityCache *c)
{
	memset(c->family_loaded, 0, sizeof(c->family_loaded));
	c->modifiers_loaded = false;
	/* active releases only; read by name so that 1.0's tables (which have no
	 * such columns, until ALTER EXTENSION UPDATE) work with this library */
	if (SPI_execute("SELECT DISTINCT f FROM codeset.release r, pg_catalog.unnest(r.covers) f"
					" WHERE pg_catalog.to_jsonb(r) ->> 'superseded_by' IS NULL"
					"   AND pg_catalog.to_jsonb(r) ->> 'unloaded_at' IS NULL",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "codeset: cache query on codeset.release failed");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		char	   *f = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		int			family = medcode_family_by_name(f);

		if (strcmp(f, "modifier") == 0)
			c->modifiers_loaded = true;
		if (family >= 0)
			c->family_loaded[family] = true;
	}

	c->known = MemoryContextAllocZero(c->context, KNOWN_WORDS * sizeof(uint64));
	/* medcode order is value order; "C" order of [0-9A-Z]{2} is slot order */
	load_periods(c->context, &c->codes, MEDCODE_COUNT, c->known, code_key,
				 "SELECT h.code, h.valid_from, h.valid_to, h.possible_from, h.possible_to "
				 "FROM codeset.code_history h ORDER BY h.code, h.period");
	load_periods(c->context, &c->modifiers, MODIFIER_SLOTS, NULL, modifier_key,
				 "SELECT h.modifier, h.valid_from, h.valid_to, h.possible_from, h.possible_to "
				 "FROM codeset.modifier_history h ORDER BY h.modifier COLLATE pg_catalog.\"C\", h.period");
	validity_cache_derive_index(c);
	fill_timelines(c);
}

void
validity_cache_derive_index(ValidityCache *c)
{
	c->rank = MemoryContextAlloc(c->context, KNOWN_WORDS * sizeof(uint32));
	for (uint32 w = 0, total = 0; w < KNOWN_WORDS; w++)
	{
		c->rank[w] = total;
		total += pg_popcount64(c->known[w]);
	}
	validity_cache_derive_local(c);
}

void
validity_cache_derive_local(ValidityCache *c)
{
	for (int b = 0; b < MEDCODE_COUNT / MEDCODE_BLOCK; b++)
		c->block_loaded[b] = c->family_loaded[medcode_family_of(b * MEDCODE_BLOCK)];
	c->today_answer = MemoryContextAlloc(c->context, MEDCODE_COUNT / 4);
	c->have_today = false;
}

static void
rebuild_cache(void)
{
	Oid			relid = release_relid(false);
	uint64		invalidations_before = invalidations;
	Oid			release_copy = InvalidOid,
				image_copy = InvalidOid;
	bool		state_known;

	validity_shared_detach();
	if (cache.context == NULL)
		cache.context = AllocSetContextCreate(TopMemoryContext, "codeset validity cache",
											  ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(cache.context);
	cache.valid = false;
	cache.from_image = false;
	cache.from_shared = false;

	/*
	 * The release state, read without SPI when this statement may read the
	 * tables directly; then a shared slot of that state, or the image the
	 * last load stored (a new session's first call is what they save);
	 * else the tables, whose reader also raises 40001 when this statement's
	 * snapshot predates them.
	 */
	state_known = validity_tables_readable(relid, &release_copy, &image_copy);
	if (state_known)
		cache.state = validity_release_state(release_copy);
	if (state_known && validity_shared_attach(&cache, relid, cache.state))
		validity_cache_derive_local(&cache);
	else
	{
		cache.from_image = state_known && validity_image_read(&cache, image_copy, cache.state);
		if (!cache.from_image)
		{
			int			citus_level;

			MemoryContextReset(cache.context);
			if (SPI_connect() != SPI_OK_CONNECT)
				elog(ERROR, "codeset: SPI_connect failed");
			citus_level = citus_reads_begin();
			check_tables_visible(relid);
			validity_cache_build_from_tables(&cache);
			citus_reads_end(citus_level);
			SPI_finish();
		}
		/* what is shared is not this backend's to keep */
		if (state_known && validity_shared_publish(&cache, relid, cache.state))
		{
			MemoryContextReset(cache.context);
			validity_cache_derive_local(&cache);
		}
	}
	cache.recheck_each_xact = OidIsValid(release_copy) && release_copy != relid && state_known;

	cache.bytes = MemoryContextMemAllocated(cache.context, true);
	cache.release_relid = relid;
	/*
	 * A load that committed after this statement's snapshot was taken may
	 * have sent its invalidation while we read (our first lock on the tables
	 * accepts it), or earlier in this transaction (a first lock on any other
	 * table accepts it mid-statement): either way what we read may predate
	 * it, so trust it for this transaction only, as under a transaction
	 * snapshot.  After a load, that costs every session one more rebuild.
	 */
	cache.xact_scoped = IsolationUsesXactSnapshot() || invalidations != invalidations_before ||
		invalidated_in == CurrentLocalTransactionId() || cache.recheck_each_xact;
	cache.lxid = CurrentLocalTransactionId();
	cache.valid = true;
	builds++;
}

/* Current, and good for this transaction: what the per-row paths test */
static inline bool
cache_is_fresh(void)
{
	return cache.valid && (likely(!cache.xact_scoped) || cache.lxid == CurrentLocalTransactionId());
}

/*
 * On a Citus node, a cache of another transaction is still good when this
 * node's copy of the releases has the state it was built from: the cache is
 * a function of the active releases.
 */
static bool
citus_copy_unchanged(void)
{
	Oid			relid;
	Oid			copy;

	if (!cache.valid || !cache.recheck_each_xact)
		return false;
	relid = release_relid(true);
	if (relid != cache.release_relid)
		return false;			/* the extension was created again */
	copy = citus_local_copy(relid);
	if (!OidIsValid(copy) || copy == relid || validity_release_state(copy) != cache.state)
		return false;
	cache.lxid = CurrentLocalTransactionId();
	return true;
}

static inline ValidityCache *
get_cache(void)
{
	if (unlikely(!cache_is_fresh()) && !citus_copy_unchanged())
		rebuild_cache();
	return &cache;
}

uint64
validity_cache_fresh_build(void)
{
	get_cache();
	return builds;
}

static CodeStatus
period_status(const PeriodIndex *index, int slot, DateADT day)
{
	int			lo = index->first[slot],
				hi = index->first[slot + 1];
	bool		undetermined = false;

	if (lo == hi)
		return STATUS_UNKNOWN;
	for (int i = lo; i < hi; i++)
	{
		const Period *p = &index->periods[i];

		if (day >= p->from && day <= p->to)
			return STATUS_ACTIVE;
		if (day >= p->possible_from && day <= p->possible_to)
			undetermined = true;
	}
	if (undetermined)
		return STATUS_UNDETERMINED;
	return day < index->periods[lo].from ? STATUS_NOT_YET : STATUS_TERMINATED;
}

static pg_attribute_always_inline CodeStatus
code_status_in(const ValidityCache *c, int32 code, DateADT day)
{
	int			slot;

	if (!c->block_loaded[code / MEDCODE_BLOCK])
		return STATUS_NOT_LOADED;
	slot = code_slot(c, code);
	if (slot < 0)
		return STATUS_UNKNOWN;
	return period_status(&c->codes, slot, day);
}

static pg_attribute_always_inline CodeStatus
code_status(int32 code, DateADT day)
{
	return code_status_in(get_cache(), medcode_checked(code), day);
}

static int
answer_of(CodeStatus s)
{
	if (s == STATUS_NOT_LOADED || s == STATUS_UNDETERMINED)
		return ANSWER_NULL;
	return s == STATUS_ACTIVE ? ANSWER_TRUE : ANSWER_FALSE;
}

/* Up to this many periods a code, its timeline is read off them */
#define TIMELINE_MAX_PERIODS 8

static int
compare_days(const void *a, const void *b)
{
	DateADT		x = *(const DateADT *) a,
				y = *(const DateADT *) b;

	return (x > y) - (x < y);
}

/*
 * A code's timeline from its periods: its answer from -infinity and from
 * each day where a period or window starts or the day after one ends (the
 * answer changes nowhere else).  False when it does not fit.
 */
static bool
timeline_of_periods(const ValidityCache *c, int slot, uint64 *out)
{
	int			lo = c->codes.first[slot],
				hi = c->codes.first[slot + 1];
	DateADT		edges[4 * TIMELINE_MAX_PERIODS + 1];
	int			answers[4 * TIMELINE_MAX_PERIODS + 1];
	int			n = 0,
				distinct = 1;

	if (hi - lo > TIMELINE_MAX_PERIODS)
		return false;
	edges[n++] = DATEVAL_NOBEGIN;
	for (int i = lo; i < hi; i++)
	{
		const Period *p = &c->codes.periods[i];
		DateADT		days[4] = {p->from, p->possible_from,
			p->to == DATEVAL_NOEND ? DATEVAL_NOBEGIN : p->to + 1,
		p->possible_to == DATEVAL_NOEND ? DATEVAL_NOBEGIN : p->possible_to + 1};

		for (int k = 0; k < 4; k++)
			if (days[k] != DATEVAL_NOBEGIN)
				edges[n++] = days[k];
	}
	qsort(edges + 1, n - 1, sizeof(DateADT), compare_days);
	for (int i = 1; i < n; i++)
		if (edges[i] != edges[distinct - 1])
			edges[distinct++] = edges[i];
	for (int i = 0; i < distinct; i++)
		answers[i] = answer_of(period_status(&c->codes, slot, edges[i]));
	return timeline_encode(edges, answers, distinct, out);
}

/* Timeline indexes are 16 bits; index 0 is TIMELINE_ELSEWHERE throughout */
#define MAX_TIMELINES 65536

/*
 * The index of timeline t in c->timelines, adding it if new: linear probing
 * in hash (hash_size entries, a power of two at least twice the capacity;
 * each holds an index + 1, or 0 when empty).  When the table is full, 0.
 */
static uint16
intern_timeline(ValidityCache *c, uint32 *hash, uint32 hash_size, int capacity, uint64 t)
{
	uint32		h = (uint32) ((t * UINT64CONST(0x9E3779B97F4A7C15)) >> 40) & (hash_size - 1);

	for (;; h = (h + 1) & (hash_size - 1))
	{
		if (hash[h] == 0)
		{
			if (c->ntimelines == capacity)
				return 0;
			c->timelines[c->ntimelines] = t;
			hash[h] = (uint32) ++c->ntimelines;
			return (uint16) (hash[h] - 1);
		}
		if (c->timelines[hash[h] - 1] == t)
			return (uint16) (hash[h] - 1);
	}
}

/*
 * Every code's timeline: NULL on every day in a family no release covers,
 * false on every day for a code with no history, read off the periods
 * otherwise, and TIMELINE_ELSEWHERE where that does not fit.  Each code
 * keeps the index of its timeline among the distinct ones.
 */
static void
fill_timelines(ValidityCache *c)
{
	int			capacity = Min(c->codes.nslots + 3, MAX_TIMELINES);
	uint32		hash_size = 1;
	uint32	   *hash;
	uint64	   *distinct;

	StaticAssertStmt(ANSWER_FALSE == TIMELINE_FALSE && ANSWER_TRUE == TIMELINE_TRUE &&
					 ANSWER_NULL == TIMELINE_NULL, "answers and timeline answers differ");
	while (hash_size < 2 * (uint32) capacity)
		hash_size <<= 1;
	hash = palloc0(hash_size * sizeof(uint32));
	c->timelines = palloc(capacity * sizeof(uint64));	/* kept: the distinct ones, below */
	c->timeline_of = MemoryContextAlloc(c->context, MEDCODE_COUNT * sizeof(uint16));
	c->ntimelines = 0;
	(void) intern_timeline(c, hash, hash_size, capacity, timeline_constant(TIMELINE_ELSEWHERE));
	for (int32 code = 0; code < MEDCODE_COUNT; code++)
	{
		int			slot;
		uint64		t = timeline_constant(TIMELINE_ELSEWHERE);

		if (!c->block_loaded[code / MEDCODE_BLOCK])
			t = timeline_constant(TIMELINE_NULL);
		else if ((slot = code_slot(c, code)) < 0)
			t = timeline_constant(TIMELINE_FALSE);
		else
			(void) timeline_of_periods(c, slot, &t);
		c->timeline_of[code] = intern_timeline(c, hash, hash_size, capacity, t);
	}
	pfree(hash);
	distinct = MemoryContextAlloc(c->context, c->ntimelines * sizeof(uint64));
	memcpy(distinct, c->timelines, c->ntimelines * sizeof(uint64));
	pfree(c->timelines);
	c->timelines = distinct;
}

/*
 * Every code's answer on one day, two bits a code: each family block is
 * filled with "false" or, when nothing covers the family, "null"; then the
 * codes with a history get theirs.  Blocks are multiples of four codes.
 */
static void
build_day_answers(ValidityCache *c, DateADT day)
{
	for (int f = 0; f < MEDCODE_FAMILIES; f++)
	{
		int			first = medcode_family_first(f);
		int			count = medcode_family_last(f) - first + 1;

		memset(c->today_answer + first / 4, c->family_loaded[f] ? 0x00 : 0xAA, count / 4);
	}
	for (int w = 0; w < KNOWN_WORDS; w++)
	{
		uint64		bits = c->known[w];

		while (bits)
		{
			int			code = w * 64 + pg_rightmost_one_pos64(bits);
			int			answer = answer_of(code_status_in(c, code, day));

			c->today_answer[code / 4] = (uint8) ((c->today_answer[code / 4] & ~(3 << (2 * (code % 4)))) |
												 (answer << (2 * (code % 4))));
			bits &= bits - 1;
		}
	}
	c->today = day;
	c->have_today = true;
}

static Datum
status_result(FunctionCallInfo fcinfo, CodeStatus s)
{
	if (s == STATUS_NOT_LOADED || s == STATUS_UNDETERMINED)
		PG_RETURN_NULL();
	PG_RETURN_BOOL(s == STATUS_ACTIVE);
}

/*
 * CURRENT_DATE, computed once per transaction: GetSQLCurrentDate() converts
 * the transaction's start time through the time zone, too slow per row.
 */
static DateADT
today(void)
{
	static TimestampTz computed_for = 0;
	static pg_tz *computed_tz = NULL;
	static DateADT computed_date;
	TimestampTz start = GetCurrentTransactionStartTimestamp();

	if (start != computed_for || session_timezone != computed_tz)
	{
		computed_date = GetSQLCurrentDate();
		computed_for = start;
		computed_tz = session_timezone;
	}
	return computed_date;
}

static inline int
answer_of_today(const ValidityCache *c, int32 code)
{
	return (c->today_answer[(uint32) code / 4] >> (2 * ((uint32) code % 4))) & 3;
}

/* valid(code) before today's answers are at hand, or with a stale cache */
static pg_noinline Datum
answer_today_slowly(FunctionCallInfo fcinfo, int32 code)
{
	ValidityCache *c = get_cache();
	DateADT		day;
	int			answer;

	/* CURRENT_DATE is fixed for the query: look it up once (fn_extra) */
	if (fcinfo->flinfo->fn_extra == NULL)
	{
		fcinfo->flinfo->fn_extra = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(DateADT));
		*(DateADT *) fcinfo->flinfo->fn_extra = today();
	}
	day = *(DateADT *) fcinfo->flinfo->fn_extra;

	if (!c->have_today || c->today != day)
		build_day_answers(c, day);
	answer = answer_of_today(c, medcode_checked(code));
	if (answer == ANSWER_NULL)
		PG_RETURN_NULL();
	PG_RETURN_BOOL(answer == ANSWER_TRUE);
}

/*
 * valid(code), per row: one two-bit lookup in today's answers.  As in
 * answer_on(), nothing on this path calls out but the tail call.
 */
static pg_attribute_always_inline Datum
answer_today(FunctionCallInfo fcinfo, int32 code)
{
	const DateADT *day = fcinfo->flinfo->fn_extra;

	if (likely(day != NULL && cache_is_fresh() && cache.have_today && cache.today == *day &&
			   medcode_value_ok(code)))
	{
		int			answer = answer_of_today(&cache, code);

		if (likely(answer <= ANSWER_TRUE))
			PG_RETURN_BOOL(answer);
	}
	return answer_today_slowly(fcinfo, code);
}

Datum
medcode_valid_today(PG_FUNCTION_ARGS)
{
	return answer_today(fcinfo, PG_GETARG_MEDCODE(0));
}

/* valid(code, day) when the timeline does not say, or the cache is stale */
static pg_noinline Datum
answer_on_slowly(FunctionCallInfo fcinfo, int32 code, DateADT day)
{
	ValidityCache *c = get_cache();
	int			answer = timeline_answer(c->timelines[c->timeline_of[medcode_checked(code)]], day);

	if (answer == TIMELINE_ELSEWHERE)
		return status_result(fcinfo, code_status_in(c, code, day));
	if (answer == TIMELINE_NULL)
		PG_RETURN_NULL();
	PG_RETURN_BOOL(answer == TIMELINE_TRUE);
}

/*
 * valid(code, day), per row: the code's timeline index, then its timeline.  No call on this path but
 * the tail call, so it needs no stack frame of its own.
 */
static pg_attribute_always_inline Datum
answer_on(FunctionCallInfo fcinfo, int32 code, DateADT day)
{
	if (likely(cache_is_fresh() && medcode_value_ok(code)))
	{
		int			answer = timeline_answer(cache.timelines[cache.timeline_of[code]], day);

		if (likely(answer <= TIMELINE_TRUE))
			PG_RETURN_BOOL(answer);
	}
	return answer_on_slowly(fcinfo, code, day);
}

Datum
medcode_valid_on(PG_FUNCTION_ARGS)
{
	return answer_on(fcinfo, PG_GETARG_MEDCODE(0), PG_GETARG_DATEADT(1));
}

/* Text that is not five characters in place: detoast and parse it all */
static pg_noinline int32
text_code_slowly(struct varlena *t)
{
	int32		code;

	t = pg_detoast_datum_packed(t);
	if (!medcode_parse_or_report(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &code, false))
		return -1;
	return code;
}

/*
 * The text argument as a code, or -1.  Per-row path of valid(text): a
 * short text of exactly five characters (the usual case) is read in place;
 * the rest is parsed out of line, so that this path keeps no local in
 * memory (and needs no stack guard).
 */
static inline int32
text_arg_code(FunctionCallInfo fcinfo)
{
	struct varlena *t = (struct varlena *) PG_GETARG_POINTER(0);
	int32		code;

	if (likely(VARATT_IS_SHORT(t) && VARSIZE_SHORT(t) - VARHDRSZ_SHORT == MEDCODE_LEN) &&
		likely((code = medcode_from_chars(VARDATA_SHORT(t))) >= 0))
		return code;
	return text_code_slowly(t);
}

Datum
text_valid_today(PG_FUNCTION_ARGS)
{
	int32		code = text_arg_code(fcinfo);

	if (code < 0)
		PG_RETURN_BOOL(false);
	return answer_today(fcinfo, code);
}

/* valid(text, day): malformed text is simply not valid */
Datum
text_valid_on(PG_FUNCTION_ARGS)
{
	int32		code = text_arg_code(fcinfo);

	if (code < 0)
		PG_RETURN_BOOL(false);
	return answer_on(fcinfo, code, PG_GETARG_DATEADT(1));
}

static Datum
reason_result(CodeStatus s)
{
	if (s == STATUS_ACTIVE)
		return (Datum) 0;
	return CStringGetTextDatum(status_keyword[s]);
}

/*
 * invalid_reason() is not STRICT: a claim without a code or a date of
 * service is not valid, so "WHERE invalid_reason(code, dos) IS NULL" must
 * not count it; its reason is "no code" or "no date".
 */
#define NO_CODE_REASON "no code"
#define NO_DATE_REASON "no date"

Datum
text_invalid_reason(PG_FUNCTION_ARGS)
{
	text	   *t;
	int32		code;
	CodeStatus	s;

	if (PG_ARGISNULL(0))
		PG_RETURN_TEXT_P(cstring_to_text(NO_CODE_REASON));
	t = PG_GETARG_TEXT_PP(0);
	if (!medcode_parse_or_report(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &code, false))
		PG_RETURN_TEXT_P(cstring_to_text("malformed"));
	if (PG_ARGISNULL(1))
		PG_RETURN_TEXT_P(cstring_to_text(NO_DATE_REASON));
	s = code_status(code, PG_GETARG_DATEADT(1));
	if (s == STATUS_ACTIVE)
		PG_RETURN_NULL();
	return reason_result(s);
}

Datum
medcode_invalid_reason(PG_FUNCTION_ARGS)
{
	CodeStatus	s;

	if (PG_ARGISNULL(0))
		PG_RETURN_TEXT_P(cstring_to_text(NO_CODE_REASON));
	if (PG_ARGISNULL(1))
		PG_RETURN_TEXT_P(cstring_to_text(NO_DATE_REASON));
	s = code_status(PG_GETARG_MEDCODE(0), PG_GETARG_DATEADT(1));

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
	bool		cpt;
	int			slot = modifier_parse(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &cpt);
	ValidityCache *c;

	if (slot < 0)
		PG_RETURN_BOOL(false);
	if (cpt)
		PG_RETURN_NULL();
	c = get_cache();
	if (!c->modifiers_loaded)
		PG_RETURN_NULL();
	return status_result(fcinfo, period_status(&c->modifiers, slot, PG_GETARG_DATEADT(1)));
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

/* Where this session's cache came from: 'shared', 'image' or 'tables' */
Datum
codeset_cache_built_from(PG_FUNCTION_ARGS)
{
	ValidityCache *c = get_cache();

	PG_RETURN_TEXT_P(cstring_to_text(c->from_shared ? "shared" : c->from_image ? "image" : "tables"));
}
