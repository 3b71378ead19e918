/*
 * validity_shared.c: the validity cache in shared memory.
 *
 * Without it every backend holds its own 1 MB copy of the cache, read from
 * the stored image (validity_image.c) on its first valid(): a new
 * connection pays for the copy, and so does every parallel worker.  With
 * shared_preload_libraries = 'codeset' the postmaster sets aside
 * codeset.shared_cache_size of shared memory, split into two slots.  The
 * first backend that needs the cache of a database, release table and
 * release state fills a slot with its arrays; the others point their
 * cache at that slot.  A backend keeps to itself only what it writes: the
 * answers for today (88 KB), and which blocks are loaded.
 *
 * A slot never changes while a backend points at it: each backend records
 * the slot it uses, and a slot is refilled only when no backend records
 * it.  Two slots let the sessions of the state before a load go on while
 * new ones take the new state; when both are in use the backend keeps its
 * own copy, as without shared memory.  The release state is a hash of the
 * active releases (validity_image.c), and the cache is a function of
 * them, so a slot of the state a backend's snapshot sees holds what that
 * backend would have built.
 */
#include "postgres.h"

#include "validity_cache.h"

#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/guc.h"

#include "pg_compat.h"

#define SLOTS 2

typedef struct SharedSlot
{
	bool		filled;
	Oid			database;
	Oid			release_relid;
	uint64		state;
	bool		family_loaded[MEDCODE_FAMILIES];
	bool		modifiers_loaded;
	int			ntimelines;
	int32		code_slots;
	int32		code_periods;
	int32		modifier_periods;
	char		data[FLEXIBLE_ARRAY_MEMBER];	/* the arrays, each MAXALIGNed */
} SharedSlot;

typedef struct SharedCache
{
	LWLock	   *lock;
	int			nbackends;
	Size		slot_size;		/* bytes of each slot, header included */
	uint8	   *user_slot;		/* per backend: the slot it uses, plus one; 0 for none */
	SharedSlot *slot[SLOTS];
} SharedCache;

static int	shared_cache_kb = 8192;
static SharedCache *shared = NULL;
static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

static Size
shared_size(void)
{
	return MAXALIGN(sizeof(SharedCache)) + MAXALIGN(MaxBackends) +
		SLOTS * MAXALIGN((Size) shared_cache_kb * 1024 / SLOTS);
}

static void
shared_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(shared_size());
	RequestNamedLWLockTranche("codeset", 1);
}

static void
shared_startup(void)
{
	bool		found;
	char	   *base;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	base = ShmemInitStruct("codeset validity cache", shared_size(), &found);
	shared = (SharedCache *) base;
	if (!found)
	{
		char	   *p = base + MAXALIGN(sizeof(SharedCache));

		shared->lock = &(GetNamedLWLockTranche("codeset"))->lock;
		shared->nbackends = MaxBackends;
		shared->user_slot = (uint8 *) p;
		memset(shared->user_slot, 0, MaxBackends);
		p += MAXALIGN(MaxBackends);
		shared->slot_size = MAXALIGN((Size) shared_cache_kb * 1024 / SLOTS);
		for (int i = 0; i < SLOTS; i++)
		{
			shared->slot[i] = (SharedSlot *) p;
			shared->slot[i]->filled = false;
			p += shared->slot_size;
		}
	}
	LWLockRelease(AddinShmemInitLock);
}

void
validity_shared_init(void)
{
	/* only the postmaster can set shared memory aside (and define the setting) */
	if (!process_shared_preload_libraries_in_progress)
		return;
	DefineCustomIntVariable("codeset.shared_cache_size",
							"Shared memory for the validity cache, with shared_preload_libraries = 'codeset'.",
							"Two slots of half of it each; 0 keeps a cache per backend.",
							&shared_cache_kb, 8192, 0, 1024 * 1024, PGC_POSTMASTER, GUC_UNIT_KB,
							NULL, NULL, NULL);
	if (shared_cache_kb == 0)
		return;
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = shared_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = shared_startup;
}

/* This backend's entry in user_slot, or -1 (no shared cache, or none for it) */
static int
my_entry(void)
{
	int			i = codeset_backend_index();

	return shared != NULL && i >= 0 && i < shared->nbackends ? i : -1;
}

/* The arrays of a slot, in this order, and their sizes */
#define ARRAYS 8

static void
array_sizes(Size *size, int ntimelines, int32 code_slots, int32 code_periods, int32 modifier_periods)
{
	size[0] = MEDCODE_COUNT * sizeof(uint16);	/* timeline_of */
	size[1] = ntimelines * sizeof(uint64);	/* timelines */
	size[2] = KNOWN_WORDS * sizeof(uint64); /* known */
	size[3] = KNOWN_WORDS * sizeof(uint32); /* rank */
	size[4] = (code_slots + 1) * sizeof(int32);	/* codes.first */
	size[5] = code_periods * sizeof(Period);	/* codes.periods */
	size[6] = (MODIFIER_SLOTS + 1) * sizeof(int32);	/* modifiers.first */
	size[7] = modifier_periods * sizeof(Period);	/* modifiers.periods */
}

/* Points c's shared arrays at slot s */
static void
point_at(ValidityCache *c, SharedSlot *s)
{
	Size		size[ARRAYS];
	void	  **array[ARRAYS] = {(void **) &c->timeline_of, (void **) &c->timelines, (void **) &c->known,
		(void **) &c->rank, (void **) &c->codes.first, (void **) &c->codes.periods,
	(void **) &c->modifiers.first, (void **) &c->modifiers.periods};
	char	   *p = s->data;

	array_sizes(size, s->ntimelines, s->code_slots, s->code_periods, s->modifier_periods);
	for (int i = 0; i < ARRAYS; i++)
	{
		*array[i] = p;
		p += MAXALIGN(size[i]);
	}
	memcpy(c->family_loaded, s->family_loaded, sizeof(c->family_loaded));
	c->modifiers_loaded = s->modifiers_loaded;
	c->ntimelines = s->ntimelines;
	c->codes.nslots = s->code_slots;
	c->modifiers.nslots = MODIFIER_SLOTS;
	c->from_shared = true;
}

/* A backend that ends no longer reads its slot */
static void
detach_at_exit(int code, Datum arg)
{
	validity_shared_detach();
}

/* Records that this backend reads slot i (the lock held) */
static void
use_slot(int me, int i)
{
	static bool exit_hook = false;

	if (!exit_hook)
	{
		before_shmem_exit(detach_at_exit, (Datum) 0);
		exit_hook = true;
	}
	shared->user_slot[me] = (uint8) (i + 1);
}

static int
matching_slot(Oid release_relid, uint64 state)
{
	for (int i = 0; i < SLOTS; i++)
	{
		SharedSlot *s = shared->slot[i];

		if (s->filled && s->database == MyDatabaseId && s->release_relid == release_relid &&
			s->state == state)
			return i;
	}
	return -1;
}

bool
validity_shared_attach(ValidityCache *c, Oid release_relid, uint64 state)
{
	int			me = my_entry();
	int			i;

	if (me < 0)
		return false;
	LWLockAcquire(shared->lock, LW_SHARED);
	i = matching_slot(release_relid, state);
	if (i >= 0)
	{
		/* under the lock: a refill, which takes it exclusively, sees it */
		use_slot(me, i);
		point_at(c, shared->slot[i]);
	}
	LWLockRelease(shared->lock);
	return i >= 0;
}

/* Whether some backend points at slot i (the lock held exclusively) */
static bool
slot_in_use(int i)
{
	for (int b = 0; b < shared->nbackends; b++)
		if (shared->user_slot[b] == i + 1)
			return true;
	return false;
}

/*
 * Copies c's arrays into a free slot for this state (or attaches to one
 * another backend filled meanwhile) and points c at it: c's own arrays
 * are then the caller's to free, and the parts no backend shares
 * (validity_cache_derive_local()) the caller's to make again.  False when no slot is free or the cache
 * does not fit one: c keeps its own arrays.
 */
bool
validity_shared_publish(ValidityCache *c, Oid release_relid, uint64 state)
{
	int			me = my_entry();
	Size		size[ARRAYS],
				total = offsetof(SharedSlot, data);
	const void *array[ARRAYS] = {c->timeline_of, c->timelines, c->known, c->rank, c->codes.first,
	c->codes.periods, c->modifiers.first, c->modifiers.periods};
	int			i;

	if (me < 0)
		return false;
	array_sizes(size, c->ntimelines, c->codes.nslots, c->codes.first[c->codes.nslots],
				c->modifiers.first[MODIFIER_SLOTS]);
	for (int k = 0; k < ARRAYS; k++)
		total += MAXALIGN(size[k]);
	if (total > shared->slot_size)
		return false;

	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	i = matching_slot(release_relid, state);
	if (i < 0)
	{
		for (int k = 0; k < SLOTS && i < 0; k++)
			if (!shared->slot[k]->filled || !slot_in_use(k))
				i = k;
		if (i >= 0)
		{
			SharedSlot *s = shared->slot[i];
			char	   *p = s->data;

			s->filled = false;
			for (int k = 0; k < ARRAYS; k++)
			{
				memcpy(p, array[k], size[k]);
				p += MAXALIGN(size[k]);
			}
			s->database = MyDatabaseId;
			s->release_relid = release_relid;
			s->state = state;
			memcpy(s->family_loaded, c->family_loaded, sizeof(s->family_loaded));
			s->modifiers_loaded = c->modifiers_loaded;
			s->ntimelines = c->ntimelines;
			s->code_slots = c->codes.nslots;
			s->code_periods = (int32) (size[5] / sizeof(Period));
			s->modifier_periods = (int32) (size[7] / sizeof(Period));
			s->filled = true;
		}
	}
	if (i >= 0)
	{
		use_slot(me, i);
		point_at(c, shared->slot[i]);
	}
	LWLockRelease(shared->lock);
	return i >= 0;
}

/* This backend no longer reads the slot it pointed at */
void
validity_shared_detach(void)
{
	int			me = my_entry();

	if (me >= 0 && shared->user_slot[me] != 0)
	{
		pg_memory_barrier();	/* every read of the slot done before */
		shared->user_slot[me] = 0;
	}
}
