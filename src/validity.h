/*
 * validity.h: what the module's load hook calls in validity.c.
 */
#ifndef CODESET_VALIDITY_H
#define CODESET_VALIDITY_H

/* Registers the validity cache's invalidation callback. */
extern void codeset_validity_init(void);

#endif
