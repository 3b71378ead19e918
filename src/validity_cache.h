/*
 * validity_cache.h: the per-backend cache behind valid(), shared by
 * validity.c (which builds and reads it) and validity_image.c (which stores
 * it as one value and reads it back).  Include after postgres.h.
 */
#ifndef CODESET_VALIDITY_CACHE_H
#define CODESET_VALIDITY_CACHE_H

#include "medcode.h"
#include "claim_line.h"

#include "storage/lock.h"
#include "utils/date.h"

typedef struct Period
{
	DateADT		from;			/* first day in force for certain */
	DateADT		to;				/* last day in force for certain (DATEVAL_NOEND: open) */
	DateADT		possible_from;	/* == from when the start is known */
	DateADT		possible_to;	/* == to when the end is known */
} Period;

typedef struct PeriodIndex
{
	int32	   *first;			/* nslots + 1 offsets into periods */
	Period	   *periods;
	int			nslots;
} PeriodIndex;

/* Today's answer per code, two bits each */
#define ANSWER_FALSE 0
#define ANSWER_TRUE 1
#define ANSWER_NULL 2

typedef struct ValidityCache
{
	MemoryContext context;
	bool		valid;
	bool		xact_scoped;	/* built under a transaction snapshot */
	LocalTransactionId lxid;
	Oid			release_relid;
	bool		family_loaded[MEDCODE_FAMILIES];
	bool		block_loaded[MEDCODE_COUNT / MEDCODE_BLOCK];	/* the same, per 10,000 codes */
	bool		modifiers_loaded;
	uint16	   *timeline_of;	/* per code value: its index in timelines */
	uint64	   *timelines;		/* the distinct timelines (day_timeline.h) */
	int			ntimelines;
	uint64	   *known;			/* bit per code value: has a history */
	uint32	   *rank;			/* set bits before each word of known */
	PeriodIndex codes;			/* slots: dense, by rank */
	PeriodIndex modifiers;		/* slots: modifier_slot() */
	bool		have_today;
	DateADT		today;
	uint8	   *today_answer;	/* MEDCODE_COUNT two-bit answers for today */
	bool		from_image;		/* read from the stored image, not the tables */
	bool		from_shared;	/* its arrays are a shared slot's (validity_shared.c) */
	bool		recheck_each_xact;	/* a Citus node's copy: no invalidation reaches it */
	uint64		state;			/* the release state it is of, when known */
	Size		bytes;
} ValidityCache;

#define KNOWN_WORDS ((MEDCODE_COUNT + 63) / 64)

/*
 * Fills c (in c->context) from the code tables, through SPI (connected by
 * the caller), under the current snapshot.
 */
extern void validity_cache_build_from_tables(ValidityCache *c);

/*
 * What follows from c->known and c->family_loaded: the slot ranks, the
 * loaded blocks, and room for a day's answers.
 */
extern void validity_cache_derive_index(ValidityCache *c);

/* The loaded blocks, and room for a day's answers: what no backend shares */
extern void validity_cache_derive_local(ValidityCache *c);

/*
 * Whether this statement may read the release table release_relid and the
 * image table beside it directly (it may SELECT them, and its snapshot
 * sees them), and which relations hold this node's rows of them (on
 * Citus, the local copies).  False for 1.0's tables, and on a Citus node
 * without a copy: the tables' query reader then answers (or says why not).
 */
extern bool validity_tables_readable(Oid release_relid, Oid *release_copy, Oid *image_copy);

/*
 * Fills c from the image in image_copy stored for this release state,
 * when there is one and it is sound; false, c partly filled, otherwise.
 * Reads the table directly, without SPI.
 */
extern bool validity_image_read(ValidityCache *c, Oid image_copy, uint64 state);

/* The release state of the releases in relid, under the statement's snapshot */
extern uint64 validity_release_state(Oid relid);

/*
 * The cache in shared memory (validity_shared.c), with
 * shared_preload_libraries = 'codeset': each backend points its cache at a
 * slot filled once for a database, release table and release state,
 * instead of holding its own copy.
 */
extern void validity_shared_init(void);
extern bool validity_shared_attach(ValidityCache *c, Oid release_relid, uint64 state);
extern bool validity_shared_publish(ValidityCache *c, Oid release_relid, uint64 state);
extern void validity_shared_detach(void);

#endif
