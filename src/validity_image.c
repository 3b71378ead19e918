/*
 * validity_image.c: the validity cache stored as one value, so that a new
 * backend reads it instead of building it.
 *
 * Building the cache from the code tables (a query of every code's
 * periods, then each code's day timeline) costs a new session about 15 ms
 * before its first valid() answers; reading back a copy costs about 1 ms.
 * Every derivation of the history ends with store_validity_image(): it
 * builds the cache from the tables as the load leaves them and writes it,
 * with the release state it is of, into codeset.validity_image, in the
 * load's own transaction, so the image is exactly as visible as the rows
 * it was made from.  A backend uses the image only when its release state
 * is the current one and only after checking its shape; anything else (no
 * image, 1.0's tables, a restore that brought other releases, a damaged
 * value, another version of this library) builds from the tables as before.
 *
 * The release state is a hash of the active releases, each with its id,
 * its families and its file's SHA-256: the history is derived from the
 * active releases alone, whatever the order they came in, so the same set
 * gives the same cache.  Reading it costs a new backend one small query.
 * The index of each code's timeline (350,000 two-byte entries, mostly long
 * runs of "no history") is stored run-length encoded: 0.95 MB becomes about
 * a quarter of that, which a new backend reads faster than it copies it.
 */
#include "postgres.h"

#include "citus_nodes.h"
#include "validity_cache.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "pg_compat.h"

PG_FUNCTION_INFO_V1(codeset_store_validity_image);

/* Bump when the layout below or the meaning of a cache field changes */
#define IMAGE_FORMAT 1
#define IMAGE_MAGIC "codeset"		/* with its NUL, the 8 bytes of magic */

/* The version of this library: another one may read the tables otherwise */
#ifndef CODESET_VERSION
#define CODESET_VERSION "dev"
#endif

typedef struct ImageHeader
{
	char		magic[8];
	uint32		format;
	char		library[16];	/* CODESET_VERSION */
	uint64		state;			/* release_state() when it was stored */
	int32		timeline_runs;	/* runs of timeline_of */
	uint32		medcode_count;
	uint32		modifier_slots;
	int32		ntimelines;
	int32		code_slots;
	int32		code_periods;
	int32		modifier_periods;
	bool		family_loaded[MEDCODE_FAMILIES];
	bool		modifiers_loaded;
} ImageHeader;

/* The arrays, in this order after the header */
static Size
image_size(const ImageHeader *h)
{
	return sizeof(ImageHeader) +
		(Size) h->ntimelines * sizeof(uint64) +
		KNOWN_WORDS * sizeof(uint64) +
		(Size) h->timeline_runs * (sizeof(uint16) + sizeof(int32)) +
		((Size) h->code_slots + 1) * sizeof(int32) +
		(Size) h->code_periods * sizeof(Period) +
		(MODIFIER_SLOTS + 1) * sizeof(int32) +
		(Size) h->modifier_periods * sizeof(Period);
}

/* The snapshot this statement reads the tables under */
static Snapshot
statement_snapshot(void)
{
	return ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot();
}

/* Whether the statement's snapshot sees relid's row of pg_class */
static bool
relation_visible(Oid relid)
{
	Relation	pg_class = table_open(RelationRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	bool		visible;

	ScanKeyInit(&key, Anum_pg_class_oid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(pg_class, ClassOidIndexId, true, statement_snapshot(), 1, &key);
	visible = HeapTupleIsValid(systable_getnext(scan));
	systable_endscan(scan);
	table_close(pg_class, AccessShareLock);
	return visible;
}

typedef struct ActiveRelease
{
	int32		id;
	uint64		hash;			/* of its families and its file's SHA-256 */
} ActiveRelease;

static int
compare_releases(const void *a, const void *b)
{
	int32		x = ((const ActiveRelease *) a)->id,
				y = ((const ActiveRelease *) b)->id;

	return (x > y) - (x < y);
}

static uint64
hash_varlena(Datum d, uint64 seed)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(d);

	return hash_bytes_extended((const unsigned char *) VARDATA_ANY(v), (int) VARSIZE_ANY_EXHDR(v), seed);
}

/* Adds one active release to the list */
static void
add_active(ActiveRelease **active, int *n, int *cap, Datum id, Datum covers, Datum sha)
{
	if (*n == *cap)
	{
		*cap = Max(64, *cap * 2);
		*active = *active ? repalloc(*active, *cap * sizeof(ActiveRelease))
			: palloc(*cap * sizeof(ActiveRelease));
	}
	(*active)[*n].id = DatumGetInt32(id);
	(*active)[*n].hash = hash_varlena(sha, hash_varlena(covers, 0));
	(*n)++;
}

/* The hash of the active releases, in id order */
static uint64
state_of(ActiveRelease *active, int n)
{
	uint64		h = UINT64CONST(0x636f6465736574);	/* "codeset" */

	if (n > 0)
		qsort(active, n, sizeof(ActiveRelease), compare_releases);
	for (int i = 0; i < n; i++)
		h = hash_bytes_uint32_extended((uint32) active[i].id, h ^ active[i].hash);
	return h;
}

/*
 * The release state: a hash of the active releases (not superseded, not
 * unloaded), each with its id, families and file SHA-256, in id order,
 * read straight from the table relid (codeset.release, or this node's
 * copy of it on Citus) under the statement's snapshot.
 */
uint64
validity_release_state(Oid relid)
{
	Relation	rel = table_open(relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	AttrNumber	id_att = get_attnum(relid, "release_id"),
				covers_att = get_attnum(relid, "covers"),
				sha_att = get_attnum(relid, "content_sha256"),
				superseded_att = get_attnum(relid, "superseded_by"),
				unloaded_att = get_attnum(relid, "unloaded_at");
	TableScanDesc scan;
	HeapTuple	tup;
	ActiveRelease *active = NULL;
	int			n = 0,
				cap = 0;

	if (id_att <= 0 || covers_att <= 0 || sha_att <= 0 || superseded_att <= 0 || unloaded_att <= 0)
		elog(ERROR, "codeset: codeset.release lacks a column the cache reads");
	scan = table_beginscan(rel, statement_snapshot(), 0, NULL);
	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		bool		isnull,
					covers_null,
					sha_null;
		Datum		id,
					covers,
					sha;

		CHECK_FOR_INTERRUPTS();	/* as many rows as releases were ever loaded */
		(void) heap_getattr(tup, superseded_att, desc, &isnull);
		if (!isnull)
			continue;
		(void) heap_getattr(tup, unloaded_att, desc, &isnull);
		if (!isnull)
			continue;
		id = heap_getattr(tup, id_att, desc, &isnull);
		covers = heap_getattr(tup, covers_att, desc, &covers_null);
		sha = heap_getattr(tup, sha_att, desc, &sha_null);
		if (isnull || covers_null || sha_null)
			elog(ERROR, "codeset: a release row lacks its id, families or checksum");
		add_active(&active, &n, &cap, id, covers, sha);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	return state_of(active, n);
}

/*
 * The same state read with a query (in SPI), as the load writing the image
 * sees the releases: on a Citus coordinator that holds no copy of the
 * tables, a query is the only way to them.
 */
static uint64
release_state_by_query(void)
{
	ActiveRelease *active = NULL;
	int			n = 0,
				cap = 0;

	if (SPI_execute("SELECT release_id, covers, content_sha256 FROM codeset.release"
					" WHERE superseded_by IS NULL AND unloaded_at IS NULL", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "codeset: could not read codeset.release");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		id_null,
					covers_null,
					sha_null;
		Datum		id = SPI_getbinval(tup, desc, 1, &id_null),
					covers = SPI_getbinval(tup, desc, 2, &covers_null),
					sha = SPI_getbinval(tup, desc, 3, &sha_null);

		CHECK_FOR_INTERRUPTS();	/* as its heap twin above */
		if (id_null || covers_null || sha_null)
			elog(ERROR, "codeset: a release row lacks its id, families or checksum");
		add_active(&active, &n, &cap, id, covers, sha);
	}
	return state_of(active, n);
}

/* Runs of equal entries in timeline_of */
static int32
count_runs(const uint16 *t)
{
	int32		runs = 1;

	for (int i = 1; i < MEDCODE_COUNT; i++)
		runs += t[i] != t[i - 1];
	return runs;
}

static char *
put(char *p, const void *src, Size n)
{
	memcpy(p, src, n);
	return p + n;
}

static bytea *
image_of(const ValidityCache *c, uint64 state)
{
	ImageHeader h;
	Size		size;
	bytea	   *img;
	char	   *p;
	uint16	   *run_value;
	int32	   *run_length;
	int32		r = 0;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, IMAGE_MAGIC, sizeof(h.magic));
	h.format = IMAGE_FORMAT;
	strlcpy(h.library, CODESET_VERSION, sizeof(h.library));
	h.state = state;
	h.timeline_runs = count_runs(c->timeline_of);
	h.medcode_count = MEDCODE_COUNT;
	h.modifier_slots = MODIFIER_SLOTS;
	h.ntimelines = c->ntimelines;
	h.code_slots = c->codes.nslots;
	h.code_periods = c->codes.first[c->codes.nslots];
	h.modifier_periods = c->modifiers.first[MODIFIER_SLOTS];
	memcpy(h.family_loaded, c->family_loaded, sizeof(h.family_loaded));
	h.modifiers_loaded = c->modifiers_loaded;

	size = image_size(&h);
	img = palloc(VARHDRSZ + size);
	SET_VARSIZE(img, VARHDRSZ + size);
	p = VARDATA(img);
	p = put(p, &h, sizeof(h));
	p = put(p, c->timelines, h.ntimelines * sizeof(uint64));
	p = put(p, c->known, KNOWN_WORDS * sizeof(uint64));
	run_value = palloc(h.timeline_runs * sizeof(uint16));
	run_length = palloc(h.timeline_runs * sizeof(int32));
	for (int i = 0; i < MEDCODE_COUNT; i++)
	{
		if (i == 0 || c->timeline_of[i] != c->timeline_of[i - 1])
		{
			run_value[r] = c->timeline_of[i];
			run_length[r++] = 0;
		}
		run_length[r - 1]++;
	}
	p = put(p, run_value, h.timeline_runs * sizeof(uint16));
	p = put(p, run_length, h.timeline_runs * sizeof(int32));
	p = put(p, c->codes.first, (h.code_slots + 1) * sizeof(int32));
	p = put(p, c->codes.periods, h.code_periods * sizeof(Period));
	p = put(p, c->modifiers.first, (MODIFIER_SLOTS + 1) * sizeof(int32));
	p = put(p, c->modifiers.periods, h.modifier_periods * sizeof(Period));
	Assert(p == VARDATA(img) + size);
	return img;
}

/* n bytes from *p into new memory of context; advances *p */
static void *
take(MemoryContext context, const char **p, Size n)
{
	void	   *dst = MemoryContextAlloc(context, Max(n, 1));

	memcpy(dst, *p, n);
	*p += n;
	return dst;
}

/* Offsets that start at 0, never fall, and end at the number of periods */
static bool
offsets_sound(const int32 *first, int nslots, int32 nperiods)
{
	if (first[0] != 0 || first[nslots] != nperiods)
		return false;
	for (int i = 0; i < nslots; i++)
		if (first[i] > first[i + 1])
			return false;
	return true;
}

/*
 * The image among the rows of the table image_relid (a restore may leave
 * two) whose header names this library and state, detoasted; NULL if none.
 */
static bytea *
matching_image(Oid image_relid, uint64 state)
{
	Relation	rel = table_open(image_relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	AttrNumber	image_att = get_attnum(image_relid, "image");
	TableScanDesc scan;
	HeapTuple	tup;
	bytea	   *found = NULL;

	if (image_att <= 0)
		elog(ERROR, "codeset: codeset.validity_image lacks its image column");
	scan = table_beginscan(rel, statement_snapshot(), 0, NULL);
	while (found == NULL && (tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, image_att, desc, &isnull);
		bytea	   *head;
		ImageHeader h;

		if (isnull)
			continue;
		/* the header alone first: a slice of an uncompressed value */
		head = DatumGetByteaPSlice(d, 0, sizeof(ImageHeader));
		if (VARSIZE_ANY_EXHDR(head) < sizeof(ImageHeader))
			continue;
		memcpy(&h, VARDATA_ANY(head), sizeof(h));
		if (memcmp(h.magic, IMAGE_MAGIC, sizeof(h.magic)) == 0 && h.format == IMAGE_FORMAT &&
			strncmp(h.library, CODESET_VERSION, sizeof(h.library)) == 0 && h.state == state)
			found = DatumGetByteaPP(d);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

bool
validity_tables_readable(Oid release_relid, Oid *release_copy, Oid *image_copy)
{
	Oid			image_relid = get_relname_relid("validity_image", get_rel_namespace(release_relid));

	if (!OidIsValid(image_relid))
		return false;			/* 1.0's tables, before ALTER EXTENSION UPDATE */
	/* on Citus, this node's copies (none: the query reads them elsewhere) */
	*release_copy = citus_local_copy(release_relid);
	*image_copy = citus_local_copy(image_relid);
	if (!OidIsValid(*release_copy) || !OidIsValid(*image_copy))
		return false;
	/*
	 * Read as the SQL reader would: a caller who may not read the tables,
	 * or a snapshot older than them, gets the reader of the tables, which
	 * says so
	 */
	return pg_class_aclcheck(release_relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK &&
		pg_class_aclcheck(image_relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK &&
		relation_visible(*release_copy) && relation_visible(*image_copy);
}

bool
validity_image_read(ValidityCache *c, Oid image_copy, uint64 state)
{
	bytea	   *img;
	const char *p;
	ImageHeader h;
	int64		known_codes = 0;
	uint16	   *run_value;
	int32	   *run_length;
	int			code = 0;

	img = matching_image(image_copy, state);
	if (img == NULL)
		return false;
	p = VARDATA_ANY(img);
	memcpy(&h, p, sizeof(h));
	p += sizeof(h);
	if (h.medcode_count != MEDCODE_COUNT || h.modifier_slots != MODIFIER_SLOTS ||
		h.ntimelines < 1 || h.ntimelines > 65536 ||
		h.timeline_runs < 1 || h.timeline_runs > MEDCODE_COUNT ||
		h.code_slots < 0 || h.code_slots > MEDCODE_COUNT ||
		h.code_periods < 0 || h.modifier_periods < 0 ||
		h.code_periods > MaxAllocSize / sizeof(Period) || h.modifier_periods > MaxAllocSize / sizeof(Period) ||
		image_size(&h) != VARSIZE_ANY_EXHDR(img))
		return false;

	memcpy(c->family_loaded, h.family_loaded, sizeof(c->family_loaded));
	c->modifiers_loaded = h.modifiers_loaded;
	c->ntimelines = h.ntimelines;
	c->timelines = take(c->context, &p, h.ntimelines * sizeof(uint64));
	c->known = take(c->context, &p, KNOWN_WORDS * sizeof(uint64));
	run_value = take(CurrentMemoryContext, &p, h.timeline_runs * sizeof(uint16));
	run_length = take(CurrentMemoryContext, &p, h.timeline_runs * sizeof(int32));
	c->codes.nslots = h.code_slots;
	c->codes.first = take(c->context, &p, (h.code_slots + 1) * sizeof(int32));
	c->codes.periods = take(c->context, &p, h.code_periods * sizeof(Period));
	c->modifiers.nslots = MODIFIER_SLOTS;
	c->modifiers.first = take(c->context, &p, (MODIFIER_SLOTS + 1) * sizeof(int32));
	c->modifiers.periods = take(c->context, &p, h.modifier_periods * sizeof(Period));

	/* the runs cover every code, each with a timeline that exists */
	c->timeline_of = MemoryContextAlloc(c->context, MEDCODE_COUNT * sizeof(uint16));
	for (int r = 0; r < h.timeline_runs; r++)
	{
		if (run_value[r] >= h.ntimelines || run_length[r] < 1 || run_length[r] > MEDCODE_COUNT - code)
			return false;
		for (int k = 0; k < run_length[r]; k++)
			c->timeline_of[code++] = run_value[r];
	}
	if (code != MEDCODE_COUNT)
		return false;

	/* what the readers index by must stay in bounds */
	for (int w = 0; w < KNOWN_WORDS; w++)
		known_codes += pg_popcount64(c->known[w]);
	if (known_codes != h.code_slots ||
		(MEDCODE_COUNT % 64 != 0 && (c->known[KNOWN_WORDS - 1] >> (MEDCODE_COUNT % 64)) != 0) ||
		!offsets_sound(c->codes.first, h.code_slots, h.code_periods) ||
		!offsets_sound(c->modifiers.first, MODIFIER_SLOTS, h.modifier_periods))
		return false;
	validity_cache_derive_index(c);
	return true;
}

/*
 * codeset.store_validity_image(): the cache built from the tables as this
 * transaction sees them, stored with their release state in place of any
 * image before.  derive_history() calls it last.
 */
Datum
codeset_store_validity_image(PG_FUNCTION_ARGS)
{
	ValidityCache c;
	MemoryContext old = CurrentMemoryContext;
	bytea	   *img;
	uint64		state;
	Datum		args[2];
	Oid			argtypes[2] = {TEXTOID, BYTEAOID};

	memset(&c, 0, sizeof(c));
	c.context = AllocSetContextCreate(CurrentMemoryContext, "codeset validity image",
									  ALLOCSET_DEFAULT_SIZES);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "codeset: SPI_connect failed");
	validity_cache_build_from_tables(&c);
	state = release_state_by_query();
	args[0] = PointerGetDatum(cstring_to_text(psprintf("%016llx", (unsigned long long) state)));
	img = image_of(&c, state);
	args[1] = PointerGetDatum(img);
	if (SPI_execute("DELETE FROM codeset.validity_image", false, 0) != SPI_OK_DELETE ||
		SPI_execute_with_args("INSERT INTO codeset.validity_image (state, image) VALUES ($1, $2)",
							  2, argtypes, args, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "codeset: could not store the validity image");
	SPI_finish();
	MemoryContextSwitchTo(old);
	MemoryContextDelete(c.context);
	PG_RETURN_VOID();
}
