/*
 * validity.h: what the module's load hook calls in validity.c, and the
 * freshness of its cache, which the description cache shares.
 */
#ifndef CODESET_VALIDITY_H
#define CODESET_VALIDITY_H

/* Registers the validity cache's invalidation callback. */
extern void codeset_validity_init(void);

/*
 * Brings the validity cache up to date (rebuilding it if a load or a new
 * snapshot calls for it) and returns the number of its builds so far: a
 * cache derived from the same tables (descriptions.c) is as fresh as the
 * validity cache while this number has not changed.
 */
extern uint64 validity_cache_fresh_build(void);

#endif
